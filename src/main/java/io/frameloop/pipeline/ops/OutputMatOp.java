package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * An op that writes its result into the worker's {@link OpContext}: it keeps no image of its own,
 * so a pipeline of any number of them holds the context's two output images.
 */
abstract class OutputMatOp implements FrameOp {

  protected final OpContext context;

  OutputMatOp(OpContext context) {
    this.context = context;
  }

  /** Where to write the result for this input. */
  protected Mat output(Mat input) {
    return context.output(input);
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
