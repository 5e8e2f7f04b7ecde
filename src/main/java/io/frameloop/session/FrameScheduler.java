package io.frameloop.session;

import java.util.ArrayDeque;

/**
 * Hands frames to the worker pool fairly: round-robin over the sessions that have a frame
 * waiting, never more than {@code capacity} frames in the workers at once.
 *
 * <p>Frames wait in their session (where a newer frame can still replace them), not in the event
 * bus, so what reaches a worker is always the newest frame, and a session that floods gets the
 * same share of the workers as one that sends slowly. Shared by all event loops, hence the lock;
 * nothing slow happens while it is held.
 */
public final class FrameScheduler {

  /** A session with a frame waiting for its turn. */
  interface Turn {
    /** The turn has come: send the waiting frame to a worker, or {@link #release} at once. */
    void dispatch();
  }

  private final int capacity;
  private final ArrayDeque<Turn> ready = new ArrayDeque<>();
  private int inFlight;

  public FrameScheduler(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Puts a session with a waiting frame at the back of the line. */
  void enqueue(Turn session) {
    synchronized (this) {
      ready.add(session);
    }
    pump();
  }

  /** Called once for every dispatch, when its frame is done (or was never sent). */
  void release() {
    synchronized (this) {
      inFlight--;
    }
    pump();
  }

  synchronized void remove(Turn session) {
    ready.remove(session);
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  private void pump() {
    while (true) {
      Turn next;
      synchronized (this) {
        if (inFlight >= capacity || ready.isEmpty()) {
          return;
        }
        next = ready.poll();
        inFlight++;
      }
      next.dispatch();
    }
  }
}
