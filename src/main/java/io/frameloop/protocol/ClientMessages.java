package io.frameloop.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Decodes a client's text messages into {@link ClientMessage}s. Everything that is not a
 * well-formed message of a known type fails the one way: {@link ControlMessageException}, whose
 * message is for the client (sent as {@code bad_message}).
 */
public final class ClientMessages {

  private ClientMessages() {
  }

  /**
   * Decodes a message already within the size limit ({@link MessageAssembler} counts its bytes as
   * they arrive and never hands on a larger one; {@link #tooLarge} is the error it leads to).
   *
   * @throws ControlMessageException saying what is wrong
   */
  public static ClientMessage decode(String text) {
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
      return new ClientMessage.SetTimings(enabled(message));
    }
    if ("record".equals(type)) {
      return new ClientMessage.SetRecording(enabled(message));
    }
    if ("video".equals(type)) {
      return new ClientMessage.SetVideo(message);
    }
    if ("keyframe".equals(type)) {
      return new ClientMessage.RequestKeyframe();
    }
    throw new ControlMessageException("unknown message type " + (type == null ? "(missing \"type\")" : "'" + type + "'")
      + "; known types: pipeline, timings, record, video, keyframe");
  }

  private static boolean enabled(JsonObject message) {
    if (message.getValue("enabled") instanceof Boolean enabled) {
      return enabled;
    }
    throw new ControlMessageException(message.getString("type") + ": 'enabled' must be true or false, got "
      + message.getValue("enabled"));
  }

  /** The error for a text message over {@code maxBytes}, however it was noticed. */
  public static ControlMessageException tooLarge(int maxBytes) {
    return new ControlMessageException("control message too large: the limit is " + maxBytes + " bytes");
  }
}
