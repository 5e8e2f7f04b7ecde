package io.frameloop.pipeline;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
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

  public static final int DEFAULT_MAX_FRAME_COST_MS = 250;

  private int maxOps = DEFAULT_MAX_OPS;
  private int maxFrameCostMs = DEFAULT_MAX_FRAME_COST_MS;

  public PipelineLimits() {
  }

  public PipelineLimits(PipelineLimits other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public PipelineLimits(JsonObject json) {
    ConfigValues.read(json, toJson(), PipelineLimitsConverter::fromJson, this);
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
    this.maxOps = Ranges.between("maxOps", maxOps, 1, 256);
    return this;
  }

  public int getMaxFrameCostMs() {
    return maxFrameCostMs;
  }

  /**
   * A frame's cost budget on a worker, in milliseconds: a pipeline predicted over it (see
   * {@link CostModel}) gets {@code bad_pipeline}, a frame predicted over it {@code over_budget}, and a
   * session whose frames keep measuring over it has its pipeline reset to the default.
   */
  public PipelineLimits setMaxFrameCostMs(int maxFrameCostMs) {
    this.maxFrameCostMs = Ranges.between("maxFrameCostMs", maxFrameCostMs, 1, 3_600_000);
    return this;
  }
}
