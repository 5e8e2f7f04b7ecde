package io.frameloop.protocol;

/** A binary message that is not a well-formed frame of protocol v1. */
public class FrameFormatException extends RuntimeException {

  private final transient FrameHeader header;

  public FrameFormatException(String message) {
    this(message, null);
  }

  public FrameFormatException(String message, FrameHeader header) {
    super(message, null, false, false);
    this.header = header;
  }

  /** The header, when it could be read before the problem was found. */
  public FrameHeader header() {
    return header;
  }
}
