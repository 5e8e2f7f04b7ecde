package io.frameloop.replay;

/** A server message the replay client cannot read: its message names the field and what it held. */
public final class BadServerMessageException extends IllegalArgumentException {

  BadServerMessageException(String message) {
    super("the server sent a message the client cannot read: " + message);
  }
}
