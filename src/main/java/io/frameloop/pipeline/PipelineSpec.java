package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A validated, normalized pipeline: the ops in order, the output JPEG quality, what frames are
 * answered with ({@code reply}) and the format of the image replies ({@code replyFormat}:
 * {@value #JPEG}, or {@value #VP8}: the worker then hands back the processed picture, which the
 * session's own VP8 encoder encodes in order). Immutable, so one instance is shared by a session
 * and the workers that process its frames.
 */
public record PipelineSpec(List<Step> steps, int quality, ReplyMode reply, String replyFormat) {

  public static final String JPEG = "jpeg";
  public static final String VP8 = "vp8";
  public static final List<String> REPLY_FORMATS = List.of(JPEG, VP8);

  /** One op with all of its parameters, defaults filled in. */
  public record Step(String op, JsonObject params) {
    public JsonObject toJson() {
      return new JsonObject().put("op", op).mergeIn(params);
    }
  }

  public PipelineSpec {
    steps = List.copyOf(steps);
    Objects.requireNonNull(reply, "reply");
    if (!REPLY_FORMATS.contains(replyFormat)) {
      throw new PipelineException("'replyFormat' must be one of " + REPLY_FORMATS + ", got " + replyFormat);
    }
  }

  /** Answered with the image, as a JPEG. */
  public PipelineSpec(List<Step> steps, int quality) {
    this(steps, quality, ReplyMode.IMAGE, JPEG);
  }

  /** Image replies as JPEGs. */
  public PipelineSpec(List<Step> steps, int quality, ReplyMode reply) {
    this(steps, quality, reply, JPEG);
  }

  /** Whether the image replies are VP8 chunks of the session's reply stream. */
  public boolean vp8Replies() {
    return VP8.equals(replyFormat);
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
    return new PipelineSpec(steps, json.getInteger("quality"), ReplyMode.of(json.getString("reply", "image")),
      json.getString("replyFormat", JPEG));
  }

  /** {@code {"ops":[...],"quality":N,"reply":"image","replyFormat":"jpeg"}}, the form clients send and receive. */
  public JsonObject toJson() {
    JsonArray ops = new JsonArray();
    steps.forEach(step -> ops.add(step.toJson()));
    return new JsonObject().put("ops", ops).put("quality", quality).put("reply", reply.jsonName())
      .put("replyFormat", replyFormat);
  }
}
