package io.frameloop.session;

import io.frameloop.worker.WorkerLease;
import io.frameloop.worker.WorkerPool;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Hands frames to free workers fairly: round-robin over the sessions that have a frame waiting,
 * a frame only when a worker is free to take it.
 *
 * <p>Frames wait in their session (where a newer frame can still replace them), not in the event
 * bus, so what reaches a worker is always the newest frame, and a session that floods gets the
 * same share of the workers as one that sends slowly. Shared by all event loops, hence the lock;
 * nothing slow happens while it is held.
 */
public final class FrameScheduler {

  /** A session with a frame waiting for its turn. */
  interface Turn {
    /** The turn has come, with a free worker: send it the waiting frame, or give the lease back. */
    void dispatch(WorkerLease lease);
  }

  private final WorkerPool workers;
  private final ArrayDeque<Turn> ready = new ArrayDeque<>();

  public FrameScheduler(WorkerPool workers) {
    this.workers = workers;
    workers.onFree(this::pump);
  }

  /** Puts a session with a waiting frame at the back of the line. */
  void enqueue(Turn session) {
    synchronized (this) {
      ready.add(session);
    }
    pump();
  }

  synchronized void remove(Turn session) {
    ready.remove(session);
  }

  private void pump() {
    while (true) {
      Turn next;
      WorkerLease lease;
      synchronized (this) {
        if (ready.isEmpty()) {
          return;
        }
        Optional<WorkerLease> free = workers.acquire();
        if (free.isEmpty()) {
          return;
        }
        lease = free.get();
        next = ready.poll();
      }
      next.dispatch(lease);
    }
  }
}
