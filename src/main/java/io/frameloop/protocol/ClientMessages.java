package io.frameloop.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a client's text messages into {@link ClientMessage}s. Everything that is not a
 * well-formed message of a known type fails the one way: {@link ControlMessageException}, whose
 * message is for the client (sent as {@code bad_message}).
 */
public final class ClientMessages {

  private ClientMessages() {
  }

  /**
   * @param maxBytes the largest message, in UTF-8 bytes
   * @throws ControlMessageException saying what is wrong
   */
  public static ClientMessage decode(String text, int maxBytes) {
    // A char is at most 3 UTF-8 bytes: only long texts need their bytes counted.
    if (text.length() > maxBytes / 3 && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ControlMessageException("malformed JSON: expected an object like {\"type\":\"pipeline\",...}");
    }
    Object type = message.getValue("type");
    if ("pipeline".equals(type)) {
      return new ClientMessage.SetPipeline(message);
    }
    if ("timings".equals(type)) {
      if (message.getValue("enabled") instanceof Boolean enabled) {
        return new ClientMessage.SetTimings(enabled);
      }
      throw new ControlMessageException("timings: 'enabled' must be true or false, got " + message.getValue("enabled"));
    }
    throw new ControlMessageException("unknown message type " + (type == null ? "(missing \"type\")" : "'" + type + "'")
      + "; known types: pipeline, timings");
  }

  /** The error for a text message over {@code maxBytes}, however it was noticed. */
  public static ControlMessageException tooLarge(int maxBytes) {
    return new ControlMessageException("control message too large: the limit is " + maxBytes + " bytes");
  }
}
