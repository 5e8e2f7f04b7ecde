package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The ops a server offers and the limits a pipeline of them must keep: what a session needs to
 * check a client's pipeline before any frame is processed with it. What depends on the frame's
 * size is checked again per frame, from the JPEG header, by the worker's {@link FrameProcessor}.
 */
public record PipelineRules(OpRegistry registry, PipelineLimits limits, ImageLimits images) {

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

  /** {@link #parse(JsonObject, int)}; a missing {@code reply} keeps {@code defaultReply}. */
  public PipelineSpec parse(JsonObject pipeline, int defaultQuality, ReplyMode defaultReply) {
    if (pipeline.getValue("ops") instanceof JsonArray ops && ops.size() > limits.getMaxOps()) {
      throw new PipelineException("too many ops: " + ops.size() + "; a pipeline has at most " + limits.getMaxOps()
        + " (maxOps)");
    }
    PipelineSpec spec = registry.parse(pipeline, defaultQuality, defaultReply);
    PipelineSizes.overrunForEveryFrame(registry, spec, images).ifPresent(overrun -> {
      throw new PipelineException(overrun.describe() + ", over the image limits of " + images.describe()
        + " (and over them for any frame size)");
    });
    return spec;
  }

  /** Every op with its parameters and availability, as sent in {@code hello}. */
  public JsonArray describe() {
    return registry.describe();
  }
}
