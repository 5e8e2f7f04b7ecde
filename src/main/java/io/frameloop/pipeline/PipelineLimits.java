package io.frameloop.pipeline;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * How much work one frame's pipeline may ask for. Part of {@code FrameLoopOptions}; the JSON
 * names are the configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class PipelineLimits {

  public static final int DEFAULT_MAX_OPS = 16;

  private int maxOps = DEFAULT_MAX_OPS;

  public PipelineLimits() {
  }

  public PipelineLimits(PipelineLimits other) {
    this(other.toJson());
  }

  public PipelineLimits(JsonObject json) {
    PipelineLimitsConverter.fromJson(json, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    PipelineLimitsConverter.toJson(this, json);
    return json;
  }

  public int getMaxOps() {
    return maxOps;
  }

  /** Ops in one pipeline; a longer pipeline gets {@code bad_pipeline}. */
  public PipelineLimits setMaxOps(int maxOps) {
    if (maxOps < 1 || maxOps > 256) {
      throw new IllegalArgumentException("maxOps must be between 1 and 256, got " + maxOps);
    }
    this.maxOps = maxOps;
    return this;
  }
}
