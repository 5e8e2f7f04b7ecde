package io.frameloop.video;

/** A chunk that cannot be decoded; its message is for the client (sent as {@code bad_frame}). */
public final class VideoDecodeException extends RuntimeException {

  public VideoDecodeException(String message) {
    super(message);
  }
}
