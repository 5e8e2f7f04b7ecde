package io.frameloop.replay;

import io.frameloop.image.OpenCvLoader;
import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.record.RecordingReader;
import io.frameloop.record.RegularFiles;
import io.frameloop.session.SessionOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

/**
 * The JPEG frames a replay session sends, all loaded before the run starts so that reading and
 * encoding never compete with the measurement.
 *
 * @param timing  when a recording's frames arrived and its pipelines; null for other sources
 * @param results the results a recording kept ({@code results.jsonl}); null for other sources
 * @param video   a recording's VP8 stream, sent as recorded with {@code --video vp8} (the frames are then its
 *                pictures as JPEGs); null for other sources
 */
public record FrameSource(String description, List<Buffer> frames, RecordedTiming timing, RecordedResults results,
                          RecordedVideo video) {

  /** Frames taken from a video at most; the replay loops over them. */
  static final int MAX_VIDEO_FRAMES = 300;
  /** Frames read from a recording at most. */
  static final int MAX_RECORDED_FRAMES = 100_000;
  /**
   * A recording or a directory of JPEGs is read within these: each file at most the server's
   * default message limit (no larger frame would be taken), all of them within a byte budget.
   */
  static final RecordingReader.Limits SOURCE_LIMITS = new RecordingReader.Limits(MAX_RECORDED_FRAMES,
    SessionOptions.DEFAULT_MAX_MESSAGE_BYTES, RecordingReader.Limits.DEFAULT_MAX_TOTAL_BYTES);
  static final int SYNTHETIC_FRAMES = 60;
  static final int QUALITY = 85;

  public FrameSource {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException(description + ": no frames");
    }
    frames = List.copyOf(frames);
  }

  public FrameSource(String description, List<Buffer> frames) {
    this(description, frames, null, null, null);
  }

  /**
   * Opens a source: {@code synthetic:WIDTHxHEIGHT}, a recording made by the server (a directory
   * with {@code index.csv} and {@code session.json}), a directory of JPEG files, or a video file
   * (Motion-JPEG AVI: OpenCV reads it without FFmpeg).
   */
  public static FrameSource open(String spec) {
    OpenCvLoader.load();
    if (spec.startsWith("synthetic:")) {
      String[] size = spec.substring("synthetic:".length()).toLowerCase(Locale.ROOT).split("x");
      try {
        return synthetic(Integer.parseInt(size[0]), Integer.parseInt(size[1]), SYNTHETIC_FRAMES);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--source synthetic:WIDTHxHEIGHT, e.g. synthetic:640x480; got " + spec);
      }
    }
    Path path = Path.of(spec);
    if (Files.isDirectory(path) && RecordingReader.isRecording(path)) {
      return recording(path);
    }
    if (Files.isDirectory(path)) {
      return directory(path);
    }
    if (Files.isRegularFile(path)) {
      return video(path);
    }
    throw new IllegalArgumentException("--source " + spec + ": no such directory or file (or use synthetic:640x480)");
  }

  static FrameSource directory(Path dir) {
    return directory(dir, SOURCE_LIMITS);
  }

  /** The JPEG files of {@code dir} in name order, regular files only, within {@code limits}. */
  static FrameSource directory(Path dir, RecordingReader.Limits limits) {
    List<Buffer> frames = new ArrayList<>();
    long bytes = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if ((name.endsWith(".jpg") || name.endsWith(".jpeg")) && frames.size() < limits.maxFrames()) {
          byte[] jpeg = RegularFiles.read(file, limits.maxFileBytes());
          bytes += jpeg.length;
          if (bytes > limits.maxTotalBytes()) {
            throw new IllegalArgumentException("--source " + dir + ": the JPEG files take more than the budget of "
              + limits.maxTotalBytes() + " bytes");
          }
          frames.add(Buffer.buffer(jpeg));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("--source " + dir + ": no .jpg or .jpeg files in the directory");
    }
    return new FrameSource(frames.size() + " JPEG files from " + dir, frames);
  }

  /** A recording, with the times its frames arrived, its pipelines and the results it kept. */
  public static FrameSource recording(Path dir) {
    return recording(dir, SOURCE_LIMITS);
  }

  /** As {@link #recording(Path)}, within {@code limits}; what the reader skipped is printed as a warning. */
  static FrameSource recording(Path dir, RecordingReader.Limits limits) {
    RecordingReader.Recorded recorded = RecordingReader.read(dir, limits);
    recorded.warnings().forEach(warning -> System.err.println("warning: " + warning));
    if (recorded.frames().isEmpty()) {
      throw new IllegalArgumentException("--source " + dir + ": the recording has no frames");
    }
    RecordedVideo video = recorded.frames().stream().anyMatch(frame -> frame.kind().video())
      ? RecordedVideo.of(recorded, FrameSource::encode) : null;
    RecordedTiming timing = RecordedTiming.of(recorded);
    RecordedResults results = RecordedResults.of(recorded);
    return new FrameSource(String.format(Locale.ROOT, "recording %s: %d %s over %.1f s, %d pipeline changes, %d results"
        + " messages with %d detections",
      recorded.session().getValue("id", dir.getFileName().toString()), recorded.frames().size(),
      video == null ? "frames" : "VP8 chunks (" + video.config().width() + "x" + video.config().height() + ")",
      (timing.arrivalMicros()[timing.arrivalMicros().length - 1] - timing.arrivalMicros()[0]) / 1e6, timing.changes().size(),
      results.messages(), results.detections()),
      video == null ? recorded.frames().stream().map(RecordingReader.Frame::jpeg).toList() : video.pictures(), timing, results, video);
  }

  static FrameSource video(Path file) {
    VideoCapture capture = new VideoCapture(file.toString(), Videoio.CAP_ANY);
    if (!capture.isOpened()) {
      capture.release();
      throw new IllegalArgumentException("--source " + file + ": this OpenCV build cannot read that video (the openpnp jar"
        + " has no FFmpeg; it reads Motion-JPEG .avi files). Convert it, e.g. ffmpeg -i " + file.getFileName()
        + " -c:v mjpeg -q:v 3 clip.avi, or extract frames to a directory: ffmpeg -i " + file.getFileName()
        + " -q:v 3 frames/%05d.jpg");
    }
    List<Buffer> frames = new ArrayList<>();
    Mat image = new Mat();
    try {
      while (frames.size() < MAX_VIDEO_FRAMES && capture.read(image) && !image.empty()) {
        frames.add(encode(image));
      }
    } finally {
      image.release();
      capture.release();
    }
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("--source " + file + ": the video has no frames OpenCV can decode");
    }
    return new FrameSource(frames.size() + " frames of " + file, frames);
  }

  /** Moving shapes over a gradient with noise and a frame counter: JPEG sizes like a camera's. */
  public static FrameSource synthetic(int width, int height, int count) {
    OpenCvLoader.load();
    if (width < 16 || height < 16 || width > 8192 || height > 8192) {
      throw new IllegalArgumentException("synthetic frames must be 16x16 to 8192x8192, got " + width + "x" + height);
    }
    Random random = new Random(42);
    Mat background = new Mat(height, width, CvType.CV_8UC3);
    Mat frame = new Mat();
    Mat noise = new Mat(height, width, CvType.CV_8UC3);
    List<Buffer> frames = new ArrayList<>();
    try {
      for (int y = 0; y < height; y++) {
        double v = 60 + 120.0 * y / height;
        Imgproc.line(background, new Point(0, y), new Point(width - 1, y), new Scalar(v, 90 + v / 3, 200 - v / 2));
      }
      for (int i = 0; i < count; i++) {
        background.copyTo(frame);
        double t = 2 * Math.PI * i / count;
        Imgproc.circle(frame, new Point(width / 2.0 + width / 3.0 * Math.cos(t), height / 2.0 + height / 4.0 * Math.sin(t)),
          Math.max(4, height / 8), new Scalar(30, 200, 240), -1);
        Imgproc.rectangle(frame, new Point(width * (0.1 + 0.3 * (1 + Math.sin(2 * t))), height * 0.6),
          new Point(width * (0.25 + 0.3 * (1 + Math.sin(2 * t))), height * 0.85), new Scalar(200, 60, 40), -1);
        Imgproc.putText(frame, "frame " + i, new Point(width * 0.05, height * 0.15), Imgproc.FONT_HERSHEY_SIMPLEX,
          Math.max(0.4, width / 640.0), new Scalar(255, 255, 255), 2);
        Core.randn(noise, 0, 12 + random.nextInt(4));
        Core.add(frame, noise, frame);
        frames.add(encode(frame));
      }
    } finally {
      background.release();
      frame.release();
      noise.release();
    }
    return new FrameSource(count + " synthetic " + width + "x" + height + " frames", frames);
  }

  private static Buffer encode(Mat image) {
    return encode(image, QUALITY);
  }

  /** A decoded video picture as a JPEG frame. */
  private static Buffer encode(DecodedPicture picture) {
    Mat image = new Mat(picture.height(), picture.width(), CvType.CV_8UC3);
    try {
      image.put(0, 0, picture.bgr());
      return encode(image);
    } finally {
      image.release();
    }
  }

  /** {@code image} as a JPEG at {@code quality} (1-100). */
  static Buffer encode(Mat image, int quality) {
    MatOfByte out = new MatOfByte();
    MatOfInt params = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality);
    try {
      Imgcodecs.imencode(".jpg", image, out, params);
      return Buffer.buffer(out.toArray());
    } finally {
      out.release();
      params.release();
    }
  }

  public double averageBytes() {
    return frames.stream().mapToInt(Buffer::length).average().orElse(0);
  }
}
