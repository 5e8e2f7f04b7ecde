package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The ops a server offers and the limits a pipeline of them must keep: what a session needs to
 * check a client's pipeline before any frame is processed with it. What depends on the frame's
 * size is checked again per frame, from the JPEG header, by the worker's {@link FrameProcessor}.
 */
public record PipelineRules(OpRegistry registry, PipelineLimits limits, ImageLimits images, CostModel costs) {

  /** With a cost model of its own over {@code registry}. */
  public PipelineRules(OpRegistry registry, PipelineLimits limits, ImageLimits images) {
    this(registry, limits, images, new CostModel(registry));
  }

  /**
   * Checks and normalizes {@code {"ops":[...], "quality": N, "reply": "image", "replyFormat": "jpeg"}}; a
   * missing {@code quality} keeps {@code defaultQuality}, a missing {@code reply} is {@code image}, a missing
   * {@code replyFormat} is {@code jpeg}.
   *
   * <p>Besides each op and parameter: at most {@code maxOps} ops, and no step whose image would be
   * over the image limits whatever the frame (e.g. a resize to a width over {@code maxWidth}).
   *
   * @throws PipelineException saying what is wrong or over which limit
   */
  public PipelineSpec parse(JsonObject pipeline, int defaultQuality) {
    return parse(pipeline, defaultQuality, ReplyMode.IMAGE);
  }

  /**
   * {@link #parse(JsonObject, int)}; a missing {@code reply} keeps {@code defaultReply}. The cost is
   * checked at {@link CostModel#REFERENCE_FRAME}'s size.
   */
  public PipelineSpec parse(JsonObject pipeline, int defaultQuality, ReplyMode defaultReply) {
    return parse(pipeline, defaultQuality, defaultReply, CostModel.REFERENCE_FRAME);
  }

  /**
   * {@link #parse(JsonObject, int, ReplyMode)} for a session whose frames are {@code frame}'s size:
   * refused with a {@link CostBudgetException} when predicted over {@code maxFrameCostMs} at it.
   */
  public PipelineSpec parse(JsonObject pipeline, int defaultQuality, ReplyMode defaultReply, ImageSize frame) {
    if (pipeline.getValue("ops") instanceof JsonArray ops && ops.size() > limits.getMaxOps()) {
      throw new PipelineException("too many ops: " + ops.size() + "; a pipeline has at most " + limits.getMaxOps()
        + " (maxOps)");
    }
    PipelineSpec spec = registry.parse(pipeline, defaultQuality, defaultReply);
    PipelineSizes.overrunForEveryFrame(registry, spec, images).ifPresent(overrun -> {
      throw new PipelineException(overrun.describe() + ", over the image limits of " + images.describe()
        + " (and over them for any frame size)");
    });
    checkCost(spec, frame);
    return spec;
  }

  /**
   * Whether a frame of this size and every image the pipeline makes of it are within the image
   * limits: only then is its cost checked (the worker refuses the others as {@code bad_frame}).
   */
  public boolean withinImageLimits(PipelineSpec spec, ImageSize frame) {
    return images.allows(frame.width(), frame.height()) && PipelineSizes.firstOverrun(registry, spec, images, frame).isEmpty();
  }

  /** @throws CostBudgetException when a frame of this size is predicted over {@code maxFrameCostMs} */
  public void checkCost(PipelineSpec spec, ImageSize frame) {
    double predicted = costs.predictMs(spec, frame);
    if (predicted > limits.getMaxFrameCostMs()) {
      throw new CostBudgetException(predicted, limits.getMaxFrameCostMs(), frame);
    }
  }

  /** Every op with its parameters and availability, as sent in {@code hello}. */
  public JsonArray describe() {
    return registry.describe();
  }
}
