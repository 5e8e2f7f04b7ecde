package io.frameloop.session;

/** Why a frame was received but not answered with a processed frame. */
public enum DropReason {
  /** A newer frame of the same session replaced it while it waited: latest frame wins. */
  STALE("stale"),
  /** The client reads too slowly: its WebSocket write queue was full when the reply was ready. */
  SLOW_CLIENT("slow_client"),
  /** Over the session's frames-per-second limit. */
  RATE_LIMITED("rate_limited"),
  /** No worker answered in time (gone, or the processing timeout passed). */
  WORKER_LOST("worker_lost");

  private final String wireName;

  DropReason(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in {@code stats} messages and metrics. */
  public String wireName() {
    return wireName;
  }
}
