package io.frameloop.worker;

/** Why a frame came back without a processed image. */
public final class ProcessingFailure extends RuntimeException {

  public enum Kind {
    /** The frame's bytes: not a JPEG the server accepts, or an op failed on this image. */
    BAD_FRAME,
    /** The worker that had the frame is gone (its node stopped announcing it). Not the frame's fault. */
    WORKER_LOST,
    /** The frame's deadline passed before a worker started on it. Not the frame's fault. */
    EXPIRED,
    /** The server failed on a frame it accepted. */
    SERVER_ERROR
  }

  private final Kind kind;

  public ProcessingFailure(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
