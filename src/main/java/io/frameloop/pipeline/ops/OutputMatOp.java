package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.image.NativeMats;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/** An op that writes its result into one Mat of its own, reused across frames and released on close. */
abstract class OutputMatOp implements FrameOp {

  protected final Mat out = NativeMats.create();

  @Override
  public void close() {
    NativeMats.release(out);
  }

  /** The image as one grey channel: itself when it is grey already, else converted into {@code scratch}. */
  static Mat gray(Mat image, Mat scratch) {
    if (image.channels() == 1) {
      return image;
    }
    Imgproc.cvtColor(image, scratch, Imgproc.COLOR_BGR2GRAY);
    return scratch;
  }
}
