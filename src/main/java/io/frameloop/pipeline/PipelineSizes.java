package io.frameloop.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * A pipeline's image sizes, walked through {@link FrameOpFactory#outputSize} from a frame's size
 * before any pixel is decoded: every intermediate and output image must be within the
 * {@link ImageLimits}, so no op can make more than the input limits allow.
 */
final class PipelineSizes {

  /** The first step of a pipeline whose output is over the limits, for one frame size. */
  record Overrun(ImageSize frame, int step, String op, ImageSize output) {

    /** E.g. {@code ops[1] (resize) would make a 8192x131072 image of a 256x4096 frame}. */
    String describe() {
      return "ops[" + step + "] (" + op + ") would make a " + output.width() + "x" + output.height() + " image of a "
        + frame.width() + "x" + frame.height() + " frame";
    }
  }

  private PipelineSizes() {
  }

  /** The first step whose output would be over the limits for a frame of this size, if any. */
  static Optional<Overrun> firstOverrun(OpRegistry registry, PipelineSpec pipeline, ImageLimits limits, ImageSize frame) {
    ImageSize size = frame;
    List<PipelineSpec.Step> steps = pipeline.steps();
    for (int i = 0; i < steps.size(); i++) {
      PipelineSpec.Step step = steps.get(i);
      FrameOpFactory factory = registry.get(step.op());
      if (factory == null) {
        return Optional.empty(); // creating the ops reports the unregistered op
      }
      size = factory.outputSize(step.params(), size.width(), size.height());
      if (!limits.allows(size.width(), size.height())) {
        return Optional.of(new Overrun(frame, i, step.op(), size));
      }
    }
    return Optional.empty();
  }

  /**
   * The step that would be over the limits whatever the frame, if any: it overruns for the widest
   * and the tallest frame the limits allow and for a 1x1 frame alike (e.g. a resize to a width
   * over {@code maxWidth}). The widest frame's overrun is the one reported.
   */
  static Optional<Overrun> overrunForEveryFrame(OpRegistry registry, PipelineSpec pipeline, ImageLimits limits) {
    Optional<Overrun> widest = Optional.empty();
    for (ImageSize frame : extremeFrames(limits)) {
      Optional<Overrun> overrun = firstOverrun(registry, pipeline, limits, frame);
      if (overrun.isEmpty()) {
        return overrun;
      }
      widest = widest.or(() -> overrun);
    }
    return widest;
  }

  /** The widest and the tallest frame within the limits, and the smallest. */
  private static List<ImageSize> extremeFrames(ImageLimits limits) {
    int widest = (int) Math.min(limits.getMaxWidth(), limits.getMaxPixels());
    int tallest = (int) Math.min(limits.getMaxHeight(), limits.getMaxPixels());
    return List.of(
      new ImageSize(widest, (int) Math.min(limits.getMaxHeight(), limits.getMaxPixels() / widest)),
      new ImageSize((int) Math.min(limits.getMaxWidth(), limits.getMaxPixels() / tallest), tallest),
      new ImageSize(1, 1));
  }
}
