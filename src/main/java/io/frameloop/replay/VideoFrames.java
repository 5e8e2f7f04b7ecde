package io.frameloop.replay;

import io.frameloop.image.OpenCvLoader;
import io.frameloop.video.ColorSpace;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.VideoSupport;
import io.frameloop.video.Vp8Encoder;
import io.frameloop.video.Vp8EncoderOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The source's frames as one VP8 stream ({@code --video vp8}), encoded once before the run with the
 * server's own codec library as a browser's {@code VideoEncoder} would (realtime, 1 Mbit/s, full-range
 * BT.709 like a canvas): each frame's chunk in order, a key every {@value #KEY_EVERY} frames and at
 * the first, and a key chunk of every frame for when a session must start again there (its first
 * frame, a frame after one it skipped, a server's {@code keyframe} request). The deltas after such a
 * key were encoded after the stream's own chunk of that frame, so the server's picture is a little
 * off until the next key of the stream: a load test's cost, not a viewer's. A recording's stream
 * ({@link RecordedVideo}) is sent as recorded, with its own colour space; only its keys are made here,
 * from its decoded pictures.
 */
final class VideoFrames {

  static final int KEY_EVERY = 30;
  /** What the chunks' pictures are: a canvas's colours, as the page sends them. */
  static final ColorSpace CANVAS = new ColorSpace("bt709", "iec61966-2-1", "bt709", true);

  private final List<EncodedChunk> stream;
  private final List<Buffer> keys;
  private final int width;
  private final int height;
  private final ColorSpace colorSpace;

  private VideoFrames(List<EncodedChunk> stream, List<Buffer> keys, int width, int height, ColorSpace colorSpace) {
    this.colorSpace = colorSpace;
    this.stream = stream;
    this.keys = keys;
    this.width = width;
    this.height = height;
  }

  /**
   * Encodes every frame of {@code source} (a blocking call of about 5 ms a frame).
   *
   * @throws IllegalArgumentException when this machine has no VP8 encoder, or the frames differ in size or are odd-sized
   */
  static VideoFrames encode(FrameSource source) {
    VideoSupport support = VideoSupport.probe();
    if (!support.encode().contains(VideoSupport.VP8)) {
      throw new IllegalArgumentException("--video vp8: this client cannot encode VP8 ("
        + (support.unavailable() == null ? "no VP8 encoder" : support.unavailable()) + ")");
    }
    OpenCvLoader.load();
    RecordedVideo recorded = source.video();
    ColorSpace colorSpace = recorded != null ? recorded.config().colorSpace() : CANVAS;
    List<EncodedChunk> stream = new ArrayList<>();
    List<Buffer> keys = new ArrayList<>();
    Vp8Encoder inOrder = null;
    Vp8Encoder keysOnly = null;
    int width = 0;
    int height = 0;
    try {
      for (int i = 0; i < source.frames().size(); i++) {
        Mat picture = decode(source.frames().get(i));
        try {
          if (i == 0) {
            width = picture.cols();
            height = picture.rows();
            if (width % 2 != 0 || height % 2 != 0) {
              throw new IllegalArgumentException("--video vp8 needs frames of an even width and height, not " + width + "x" + height);
            }
            inOrder = Vp8Encoder.create(width, height, colorSpace, new Vp8EncoderOptions());
            keysOnly = Vp8Encoder.create(width, height, colorSpace, new Vp8EncoderOptions());
          } else if (picture.cols() != width || picture.rows() != height) {
            throw new IllegalArgumentException("--video vp8 needs frames of one size: frame " + i + " is " + picture.cols()
              + "x" + picture.rows() + ", the first " + width + "x" + height);
          }
          // A recording's stream goes as it came; another source's is encoded here.
          stream.add(recorded != null ? recorded.chunks().get(i) : inOrder.encode(picture, i % KEY_EVERY == 0));
          keys.add(keysOnly.encode(picture, true).data());
        } finally {
          picture.release();
        }
      }
    } finally {
      if (inOrder != null) {
        inOrder.close();
      }
      if (keysOnly != null) {
        keysOnly.close();
      }
    }
    return new VideoFrames(stream, keys, width, height, colorSpace);
  }

  private static Mat decode(Buffer jpeg) {
    MatOfByte bytes = new MatOfByte(jpeg.getBytes());
    try {
      Mat picture = Imgcodecs.imdecode(bytes, Imgcodecs.IMREAD_COLOR);
      if (picture.empty()) {
        throw new IllegalArgumentException("--video vp8: a source frame is not a JPEG OpenCV decodes");
      }
      return picture;
    } finally {
      bytes.release();
    }
  }

  /** The {@code video} message body that goes before the first chunk. */
  JsonObject config() {
    return new JsonObject().put("codec", VideoSupport.VP8).put("width", width).put("height", height)
      .put("colorSpace", colorSpace.toJson());
  }

  /** Frame {@code frame}'s chunk in the stream. */
  EncodedChunk inOrder(int frame) {
    return stream.get(frame);
  }

  /** A key chunk of frame {@code frame}: the stream's own where it is one (the deltas after it then decode exactly). */
  EncodedChunk key(int frame) {
    EncodedChunk own = stream.get(frame);
    return own.key() ? own : new EncodedChunk(keys.get(frame), true);
  }

  double averageBytes() {
    return stream.stream().mapToInt(chunk -> chunk.data().length()).average().orElse(0);
  }
}
