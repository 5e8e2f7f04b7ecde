package io.frameloop.video;

/** A {@code video} message the server refuses; its message is for the client (sent as {@code bad_video}). */
public final class VideoConfigException extends RuntimeException {

  public VideoConfigException(String message) {
    super(message);
  }
}
