package io.frameloop.session;

/** Why a frame was received but not answered with a processed frame. */
public enum DropReason {
  /** A newer frame of the same session replaced it while it waited: latest frame wins. */
  STALE("stale"),
  /** The client reads too slowly: its WebSocket write queue was full when the reply was ready. */
  SLOW_CLIENT("slow_client"),
  /** Over the session's frames-per-second limit. */
  RATE_LIMITED("rate_limited"),
  /** The worker that had it is gone (its node stopped). */
  WORKER_LOST("worker_lost"),
  /** Its deadline ({@code processTimeoutMs}) passed before a worker started on it, or a stuck worker never answered. */
  EXPIRED("expired"),
  /**
   * The session closed while the frame waited or was in a worker (the client left or was closed);
   * a late result is let go. Seen only in the server's metrics: the session sends no more stats.
   */
  CLOSED("closed"),
  /**
   * A video chunk discarded while the stream waits for a key chunk (after a gap, a delta with no key
   * before it, a decoder error or a full decode queue): the decoder could not make a true picture of it.
   */
  AWAITING_KEY("awaiting_key");


  private final String wireName;

  DropReason(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in {@code stats} messages and metrics. */
  public String wireName() {
    return wireName;
  }
}
