package io.frameloop.protocol;

/** A text message that breaks the protocol; the message is for the client. */
public final class ControlMessageException extends RuntimeException {
  public ControlMessageException(String message) {
    super(message, null, false, false);
  }
}
