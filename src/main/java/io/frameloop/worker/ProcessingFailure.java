package io.frameloop.worker;

/** Why a frame came back without a processed image. */
public final class ProcessingFailure extends RuntimeException {

  public enum Kind {
    /** The frame's bytes: not a JPEG the server accepts, or an op failed on this image. */
    BAD_FRAME,
    /** No worker answered in time: gone, or the processing timeout passed. Not the frame's fault. */
    WORKER_LOST,
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
