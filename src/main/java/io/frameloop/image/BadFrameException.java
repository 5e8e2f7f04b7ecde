package io.frameloop.image;

/** A frame that cannot be processed: not a JPEG, corrupt, or over the image limits. */
public class BadFrameException extends RuntimeException {
  public BadFrameException(String message) {
    super(message, null, false, false);
  }
}
