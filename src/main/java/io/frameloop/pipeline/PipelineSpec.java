package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated, normalized pipeline: the ops in order and the output JPEG quality. Immutable, so one
 * instance is shared by a session and the workers that process its frames.
 */
public record PipelineSpec(List<Step> steps, int quality) {

  /** One op with all of its parameters, defaults filled in. */
  public record Step(String op, JsonObject params) {
    public JsonObject toJson() {
      return new JsonObject().put("op", op).mergeIn(params);
    }
  }

  public PipelineSpec {
    steps = List.copyOf(steps);
  }

  /**
   * Rebuilds a spec from {@link #toJson}, without checking it again: for specs that were
   * validated where they were made (e.g. sent by a front node to a worker node).
   */
  public static PipelineSpec fromTrustedJson(JsonObject json) {
    List<Step> steps = new ArrayList<>();
    for (Object entry : json.getJsonArray("ops")) {
      JsonObject step = ((JsonObject) entry).copy();
      String op = (String) step.remove("op");
      steps.add(new Step(op, step));
    }
    return new PipelineSpec(steps, json.getInteger("quality"));
  }

  /** {@code {"ops":[...],"quality":N}}, the form clients send and receive. */
  public JsonObject toJson() {
    JsonArray ops = new JsonArray();
    steps.forEach(step -> ops.add(step.toJson()));
    return new JsonObject().put("ops", ops).put("quality", quality);
  }
}
