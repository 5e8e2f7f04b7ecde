package io.frameloop.session;

import java.util.concurrent.TimeUnit;

/**
 * When a video session may ask its client for a key chunk again: at most once per measured round
 * trip. The round trip is measured where it matters, from a {@code keyframe} request to the first
 * key chunk after it (the client's encode and its wait for the next camera frame included: a
 * request sooner than that cannot have been answered yet). Smoothed like TCP's SRTT (a new sample
 * weighs 1/8), held between {@link #FLOOR_MS} (loopback must not make a request per chunk) and
 * {@link #CEILING_MS} (a client that answered late once is still asked again), and
 * {@link #INITIAL_MS} until the first sample. A key that arrives ends the wait at once. Times are
 * {@code System.nanoTime()} values passed in, so tests give their own; used on one event loop.
 */
final class KeyRequestPacer {

  /** Before any key answered a request: the old fixed interval. */
  static final long INITIAL_MS = 500;
  static final long FLOOR_MS = 50;
  static final long CEILING_MS = 2_000;

  private long roundTripNanos = TimeUnit.MILLISECONDS.toNanos(INITIAL_MS);
  private boolean measured;
  /** Whether a request is out and unanswered, when the last one went and when the first unanswered one did. */
  private boolean outstanding;
  private long requestedNanos;
  private long firstRequestedNanos;

  /** Whether a request now may go: none is out, or the last one is a round trip old. Records it if so. */
  boolean tryRequest(long nowNanos) {
    if (outstanding && nowNanos - requestedNanos < intervalNanos()) {
      return false;
    }
    if (!outstanding) {
      firstRequestedNanos = nowNanos; // requests travel on one WebSocket, never lost: the first one is what the key answers
    }
    outstanding = true;
    requestedNanos = nowNanos;
    return true;
  }

  /** A key chunk arrived: it answers the request that is out (a sample of the round trip), and the next may go at once. */
  void keyArrived(long nowNanos) {
    if (!outstanding) {
      return; // the client's own key (a start, a periodic key): nothing was asked, nothing measured
    }
    outstanding = false;
    long sample = nowNanos - firstRequestedNanos;
    roundTripNanos = measured ? roundTripNanos + (sample - roundTripNanos) / 8 : sample;
    measured = true;
  }

  /** How long after a request the next one may go while it is unanswered. */
  long intervalNanos() {
    return Math.max(TimeUnit.MILLISECONDS.toNanos(FLOOR_MS), Math.min(TimeUnit.MILLISECONDS.toNanos(CEILING_MS), roundTripNanos));
  }

  /** The smoothed round trip in ms (INITIAL_MS until a key answered a request). */
  long roundTripMs() {
    return TimeUnit.NANOSECONDS.toMillis(roundTripNanos);
  }
}
