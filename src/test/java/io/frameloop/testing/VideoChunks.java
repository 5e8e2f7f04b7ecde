package io.frameloop.testing;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.protocol.FrameKind;
import io.frameloop.video.ColorSpace;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.Vp8Encoder;
import io.frameloop.video.Vp8EncoderOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;

/**
 * Real VP8 chunks of the camera clip ({@link CameraClips}), made by the server's own {@link Vp8Encoder}
 * as a browser's {@code VideoEncoder} would make them: a key chunk first, then deltas, with keys where asked.
 */
public final class VideoChunks {

  /** What a canvas-fed browser encoder declares: full-range BT.709. */
  public static final ColorSpace CANVAS = new ColorSpace("bt709", "iec61966-2-1", "bt709", true);

  private VideoChunks() {
  }

  /** {@code count} chunks of the clip (looped), keys at the first and at the indices in {@code keysAt}. */
  public static List<EncodedChunk> camera(int count, ColorSpace colorSpace, int... keysAt) {
    List<EncodedChunk> chunks = new ArrayList<>(count);
    try (Vp8Encoder encoder = Vp8Encoder.create(CameraClips.WIDTH, CameraClips.HEIGHT, colorSpace, new Vp8EncoderOptions())) {
      for (int i = 0; i < count; i++) {
        Mat frame = CameraClips.frame(i % CameraClips.FRAMES);
        try {
          chunks.add(encoder.encode(frame, i == 0 || contains(keysAt, i)));
        } finally {
          frame.release();
        }
      }
    }
    return chunks;
  }

  /** Frame {@code i} of the camera clip: the picture the chunk of that index was made from. */
  public static Mat cameraFrame(int i) {
    return CameraClips.frame(i % CameraClips.FRAMES);
  }

  private static boolean contains(int[] values, int value) {
    for (int v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }

  /** The binary message of a chunk: the header with the video flags, then the chunk. */
  public static Buffer message(long sequence, long timestamp, EncodedChunk chunk) {
    return FrameFormat.encode(new FrameHeader(sequence, timestamp), chunk.key() ? FrameKind.VIDEO_KEY : FrameKind.VIDEO_DELTA,
      chunk.data()).copy();
  }

  /** A message with the video flags of a key ({@code key}) or delta around any bytes. */
  public static Buffer message(long sequence, boolean key, Buffer payload) {
    return FrameFormat.encode(new FrameHeader(sequence, 0), key ? FrameKind.VIDEO_KEY : FrameKind.VIDEO_DELTA, payload).copy();
  }

  /** A {@code video} message for the camera's size. */
  public static JsonObject config(ColorSpace colorSpace) {
    return config(CameraClips.WIDTH, CameraClips.HEIGHT, colorSpace);
  }

  public static JsonObject config(int width, int height, ColorSpace colorSpace) {
    return new JsonObject().put("type", "video").put("codec", "vp8").put("width", width).put("height", height)
      .put("colorSpace", colorSpace.toJson());
  }
}
