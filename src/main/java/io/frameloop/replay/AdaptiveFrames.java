package io.frameloop.replay;

import io.frameloop.image.OpenCvLoader;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * A source's frames re-encoded at every quality and width the controller can choose, all before the
 * run (as {@link FrameSource} does) so that encoding never competes with the measurement. Immutable:
 * the sessions share it.
 */
public final class AdaptiveFrames {

  /** The best quality adaptive replay sends: a camera page's usual setting. */
  public static final double TOP_QUALITY = 0.8;
  /** Frames re-encoded at most; the replay loops over them. */
  static final int MAX_FRAMES = 60;

  private final Map<String, List<Buffer>> variants = new HashMap<>();
  private final int topWidth;
  private final int count;

  private AdaptiveFrames(int topWidth, int count) {
    this.topWidth = topWidth;
    this.count = count;
  }

  /** Encodes the first frames of {@code source} at each step of a controller for {@code maxFps}. */
  public static AdaptiveFrames of(FrameSource source, int maxFps) {
    OpenCvLoader.load();
    List<Mat> images = new ArrayList<>();
    try {
      for (Buffer jpeg : source.frames().subList(0, Math.min(MAX_FRAMES, source.frames().size()))) {
        Mat image = Imgcodecs.imdecode(new MatOfByte(jpeg.getBytes()), Imgcodecs.IMREAD_COLOR);
        if (image.empty()) {
          throw new IllegalArgumentException(source.description() + ": a frame OpenCV cannot decode");
        }
        images.add(image);
      }
      AdaptiveFrames frames = new AdaptiveFrames(images.get(0).cols(), images.size());
      AdaptiveController ladder = frames.controller(AdaptiveController.DEFAULT_TARGET_MS, maxFps);
      Mat scaled = new Mat();
      for (double quality : ladder.qualitySteps()) {
        for (int width : ladder.widthSteps()) {
          List<Buffer> encoded = new ArrayList<>();
          for (Mat image : images) {
            int height = Math.max(2, (int) Math.round((double) image.rows() * width / image.cols()) & ~1);
            Imgproc.resize(image, scaled, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
            encoded.add(encode(scaled, quality));
          }
          frames.variants.put(key(quality, width), encoded);
        }
      }
      scaled.release();
      return frames;
    } finally {
      images.forEach(Mat::release);
    }
  }

  /** A controller whose steps are the ones encoded here. */
  public AdaptiveController controller(double targetMs, int maxFps) {
    return new AdaptiveController(targetMs, TOP_QUALITY, topWidth, maxFps);
  }

  /** Frame {@code index} (looping) at the controller's current quality and width. */
  Buffer frame(AdaptiveController controller, long index) {
    return variants.get(key(controller.quality(), controller.width())).get((int) (index % count));
  }

  private static String key(double quality, int width) {
    return Math.round(quality * 100) + "@" + width;
  }

  private static Buffer encode(Mat image, double quality) {
    return FrameSource.encode(image, (int) Math.round(quality * 100));
  }
}
