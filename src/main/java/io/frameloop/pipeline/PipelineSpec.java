package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A validated, normalized pipeline: the ops in order, the output JPEG quality and what frames are
 * answered with ({@code reply}). Immutable, so one instance is shared by a session and the workers
 * that process its frames.
 */
public record PipelineSpec(List<Step> steps, int quality, ReplyMode reply) {

  /** One op with all of its parameters, defaults filled in. */
  public record Step(String op, JsonObject params) {
    public JsonObject toJson() {
      return new JsonObject().put("op", op).mergeIn(params);
    }
  }

  public PipelineSpec {
    steps = List.copyOf(steps);
    Objects.requireNonNull(reply, "reply");
  }

  /** Answered with the image. */
  public PipelineSpec(List<Step> steps, int quality) {
    this(steps, quality, ReplyMode.IMAGE);
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
    return new PipelineSpec(steps, json.getInteger("quality"), ReplyMode.of(json.getString("reply", "image")));
  }

  /** {@code {"ops":[...],"quality":N,"reply":"image"}}, the form clients send and receive. */
  public JsonObject toJson() {
    JsonArray ops = new JsonArray();
    steps.forEach(step -> ops.add(step.toJson()));
    return new JsonObject().put("ops", ops).put("quality", quality).put("reply", reply.jsonName());
  }
}
