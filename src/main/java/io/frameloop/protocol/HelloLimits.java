package io.frameloop.protocol;

import io.vertx.core.json.JsonObject;

/** The limits a {@code hello} message tells the client about: what it may send. */
public record HelloLimits(int maxMessageBytes, int maxTextMessageBytes, int maxWidth, int maxHeight, long maxPixels,
                          int maxFps, int maxOps, int maxSessions, int idleTimeoutSeconds) {

  JsonObject toJson() {
    return new JsonObject()
      .put("maxMessageBytes", maxMessageBytes)
      .put("maxTextMessageBytes", maxTextMessageBytes)
      .put("maxWidth", maxWidth)
      .put("maxHeight", maxHeight)
      .put("maxPixels", maxPixels)
      .put("maxFps", maxFps)
      .put("maxOps", maxOps)
      .put("maxSessions", maxSessions)
      .put("idleTimeoutSeconds", idleTimeoutSeconds);
  }
}
