package io.frameloop.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Builders for the JSON control messages (text WebSocket messages) of protocol v1. */
public final class ControlMessages {

  public static final int PROTOCOL_VERSION = 1;

  /** A frame that could not be processed; the session stays open. */
  public static final String BAD_FRAME = "bad_frame";
  /** A {@code pipeline} message naming an unknown op or a bad parameter. */
  public static final String BAD_PIPELINE = "bad_pipeline";
  /** A text message that is not valid JSON, has no known {@code type}, or has fields of the wrong type. */
  public static final String BAD_MESSAGE = "bad_message";

  private ControlMessages() {
  }

  public static JsonObject hello(JsonArray ops, JsonObject pipeline, JsonObject limits) {
    return new JsonObject()
      .put("type", "hello")
      .put("version", PROTOCOL_VERSION)
      .put("ops", ops)
      .put("pipeline", pipeline.getJsonArray("ops"))
      .put("quality", pipeline.getInteger("quality"))
      .put("limits", limits);
  }

  public static JsonObject pipeline(JsonObject pipeline) {
    return new JsonObject().put("type", "pipeline").mergeIn(pipeline);
  }

  public static JsonObject error(String code, String message) {
    return new JsonObject().put("type", "error").put("code", code).put("message", message);
  }

  /** An error about one frame; {@code sequence} is -1 for a bare frame, which has none. */
  public static JsonObject frameError(long sequence, String message) {
    JsonObject error = error(BAD_FRAME, message);
    if (sequence >= 0) {
      error.put("seq", sequence);
    }
    return error;
  }
}
