package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The ops a server offers and the limits a pipeline of them must keep: what a session needs to
 * check a client's pipeline before any frame is processed with it.
 */
public record PipelineRules(OpRegistry registry, PipelineLimits limits, ImageLimits images) {

  /**
   * Checks and normalizes {@code {"ops":[...], "quality": N}}; a missing {@code quality} keeps
   * {@code defaultQuality}.
   *
   * @throws PipelineException saying what is wrong or over which limit
   */
  public PipelineSpec parse(JsonObject pipeline, int defaultQuality) {
    return registry.parse(pipeline, defaultQuality);
  }

  /** Every op with its parameters and availability, as sent in {@code hello}. */
  public JsonArray describe() {
    return registry.describe();
  }
}
