package io.frameloop.image;

/**
 * The server could not encode an image it made: too large for JPEG or for a buffer, of a type
 * no JPEG holds, or the encoder failed. Unlike {@link BadFrameException}, not the fault of the
 * client's frame; the codec stays usable for the next frame.
 */
public class JpegEncodeException extends IllegalStateException {

  public JpegEncodeException(String message) {
    super(message);
  }
}
