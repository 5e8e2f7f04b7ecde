package io.frameloop.session;

import io.frameloop.worker.WorkerLease;
import io.frameloop.worker.WorkerPool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hands frames to free workers fairly by the workers' time: of the sessions with a frame waiting,
 * the one that has used the least processing time goes first (start-time fair queueing), a frame
 * only when a worker is free to take it. Sessions with frames of equal cost take turns; a session
 * whose frames cost a hundred times more gets a hundredth of the frames, so expensive frames
 * cannot crowd out cheap ones. A session that waits cannot bank the time it did not use: when it
 * becomes ready again it starts at the time of the last session served.
 *
 * <p>Frames wait in their session (where a newer frame can still replace them), not in the event
 * bus, so what reaches a worker is always the newest frame. Shared by all event loops, hence the
 * lock; nothing slow happens while it is held.
 */
public final class FrameScheduler {

  /** A session with a frame waiting for its turn. */
  interface Turn {
    /** The turn has come, with a free worker: send it the waiting frame, or give the lease back. */
    void dispatch(WorkerLease lease);
  }

  private final WorkerPool workers;
  /** Ready sessions in arrival order (ties go to the earlier). */
  private final List<Turn> ready = new ArrayList<>();
  /** Each known session's processing time so far, on one virtual clock (nanoseconds). */
  private final Map<Turn, Long> used = new HashMap<>();
  /** The virtual time of the session served last. */
  private long now;

  public FrameScheduler(WorkerPool workers) {
    this.workers = workers;
    workers.onFree(this::pump);
  }

  /** Puts a session with a waiting frame in line. */
  void enqueue(Turn session) {
    synchronized (this) {
      used.merge(session, now, Math::max);
      ready.add(session);
    }
    pump();
  }

  /** Charges a session for the processing time of one of its frames. */
  synchronized void charge(Turn session, long processingNanos) {
    used.computeIfPresent(session, (s, time) -> time + Math.max(0, processingNanos));
  }

  /** Forgets a session that closed. */
  synchronized void remove(Turn session) {
    ready.remove(session);
    used.remove(session);
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
        next = ready.remove(leastUsed());
        now = Math.max(now, used.getOrDefault(next, now));
      }
      next.dispatch(lease);
    }
  }

  private int leastUsed() {
    int best = 0;
    for (int i = 1; i < ready.size(); i++) {
      if (used.getOrDefault(ready.get(i), 0L) < used.getOrDefault(ready.get(best), 0L)) {
        best = i;
      }
    }
    return best;
  }
}
