package io.frameloop.record;

/** A recording the server will not start or go on with; the message is for the client. */
public final class RecordingRefusedException extends RuntimeException {

  public RecordingRefusedException(String message) {
    super(message, null, false, false);
  }
}
