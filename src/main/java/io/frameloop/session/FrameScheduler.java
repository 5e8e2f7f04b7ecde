package io.frameloop.session;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.worker.WorkerLease;
import io.frameloop.worker.WorkerPool;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Hands frames to free workers fairly by the workers' time: of the sessions with a frame waiting,
 * the one that has used the least processing time goes first (start-time fair queueing), a frame
 * only when a worker is free to take it. Sessions with frames of equal cost take turns; a session
 * whose frames cost a hundred times more gets a hundredth of the frames, so expensive frames
 * cannot crowd out cheap ones. A session that waits cannot bank the time it did not use: when it
 * becomes ready again it starts at the time of the last session served.
 *
 * <p>A session only says that it has a frame waiting ({@link #enqueue}) and that it closed
 * ({@link #remove}); its turn comes as a lease ({@link Turn#dispatch}), and the lease charges it
 * the processing time of the frame it sends once that frame comes back.
 *
 * <p>Cheap frames are never starved by expensive ones: a frame predicted to cost over a fifth of
 * the frame budget (or of a session whose frames lately measured over half of it) is
 * <em>expensive</em>. While any open session is cheap (its last frame was, or it has sent none yet)
 * expensive frames hold at most all workers but one at once, so with two workers or more one is
 * kept for the cheap frames. An expensive frame whose turn has come while they hold their share
 * waits (the cheap sessions go first) until one of them comes back. When every session is
 * expensive, they use every worker.
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

  /** Ready sessions in arrival order (ties go to the earlier). */
  private final List<Turn> ready = new ArrayList<>();
  /** Each known session's processing time so far, on one virtual clock (nanoseconds). */
  private final Map<Turn, Long> used = new HashMap<>();
  /** The ready sessions whose waiting frame is expensive. */
  private final Set<Turn> expensive = new HashSet<>();
  /** Expensive frames in the workers now. */
  private int expensiveOut;
  /** The open sessions that are cheap: their last frame was, or they have sent none yet. */
  private final Set<Turn> cheapSessions = new HashSet<>();
  /** The virtual time of the session served last. */
  private long now;
  /** Set once, when the pool has started: before that no session exists, so nothing is ready. */
  private WorkerPool workers;

  private FrameScheduler() {
  }

  /**
   * A scheduler over the pool that {@code startPool} starts, with the scheduler as that pool's one
   * listener for "a worker may have become free".
   *
   * @param startPool starts the workers' pool with the listener it is given, e.g.
   *                  {@code whenFree -> Workers.pool(vertx, address, timeoutMs, maxInFlight, whenFree)}
   */
  public static Future<FrameScheduler> start(Function<Runnable, Future<WorkerPool>> startPool) {
    FrameScheduler scheduler = new FrameScheduler();
    return startPool.apply(scheduler::pump).map(scheduler::over);
  }

  private synchronized FrameScheduler over(WorkerPool pool) {
    this.workers = pool;
    return this;
  }

  /** The workers this scheduler hands out. */
  public synchronized WorkerPool workers() {
    return workers;
  }

  /** Puts a session with a waiting cheap frame in line. */
  void enqueue(Turn session) {
    enqueue(session, false);
  }

  /**
   * Puts a session with a waiting frame in line.
   *
   * @param expensiveFrame whether the frame is predicted to cost over a fifth of the budget (it then
   *                       waits while expensive frames hold all workers but one)
   */
  void enqueue(Turn session, boolean expensiveFrame) {
    synchronized (this) {
      used.merge(session, now, Math::max);
      ready.add(session);
      if (expensiveFrame) {
        expensive.add(session);
        cheapSessions.remove(session);
      } else {
        cheapSessions.add(session);
      }
    }
    pump();
  }

  /** Expensive frames in the workers now. */
  synchronized int expensiveOut() {
    return expensiveOut;
  }

  /** A session opened: cheap until it sends an expensive frame. */
  synchronized void register(Turn session) {
    cheapSessions.add(session);
  }

  /** Forgets a session that closed. */
  synchronized void remove(Turn session) {
    ready.remove(session);
    used.remove(session);
    expensive.remove(session);
    cheapSessions.remove(session);
  }

  /** Charges a session for the processing time of one of its frames (what its lease does when the frame comes back). */
  synchronized void charge(Turn session, long processingNanos) {
    used.computeIfPresent(session, (s, time) -> time + Math.max(0, processingNanos));
  }

  private void pump() {
    while (true) {
      Turn next;
      WorkerLease lease;
      synchronized (this) {
        if (ready.isEmpty() || workers == null) {
          return;
        }
        int chosen = leastUsed(expensiveOut < expensiveShare());
        if (chosen < 0) {
          return; // only expensive frames wait, and they hold their share: the next to come back pumps again
        }
        Optional<WorkerLease> free = workers.acquire();
        if (free.isEmpty()) {
          return;
        }
        next = ready.remove(chosen);
        boolean costly = expensive.remove(next);
        if (costly) {
          expensiveOut++;
        }
        lease = new ChargingLease(free.get(), next, costly);
        now = Math.max(now, used.getOrDefault(next, now));
      }
      next.dispatch(lease);
    }
  }

  /** Workers expensive frames may hold at once: all but one while a session is cheap and there are two or more. */
  private int expensiveShare() {
    int capacity = workers.capacity();
    return capacity >= 2 && !cheapSessions.isEmpty() ? capacity - 1 : capacity;
  }

  /** The ready session that has used the least time, among the cheap ones only unless {@code anyFrame}; -1 for none. */
  private int leastUsed(boolean anyFrame) {
    int best = -1;
    for (int i = 0; i < ready.size(); i++) {
      Turn turn = ready.get(i);
      if ((anyFrame || !expensive.contains(turn))
        && (best < 0 || used.getOrDefault(turn, 0L) < used.getOrDefault(ready.get(best), 0L))) {
        best = i;
      }
    }
    return best;
  }

  /** An expensive frame came back (or its lease went unused): another may go. */
  private void expensiveBack() {
    synchronized (this) {
      expensiveOut--;
    }
    pump();
  }

  /** A worker's lease handed to one session: the session is charged when its frame comes back processed. */
  private final class ChargingLease implements WorkerLease {

    private final WorkerLease worker;
    private final Turn session;
    /** Held by an expensive frame, until it comes back (set on one thread, read on another). */
    private final AtomicBoolean expensiveHeld;

    ChargingLease(WorkerLease worker, Turn session, boolean expensiveFrame) {
      this.worker = worker;
      this.session = session;
      this.expensiveHeld = new AtomicBoolean(expensiveFrame);
    }

    @Override
    public Future<ProcessedFrame> process(FrameJob job) {
      // Charged before the session hears of the frame, so that its next frame is placed by the time used.
      return worker.process(job).andThen(result -> {
        if (result.succeeded()) {
          charge(session, result.result().processingNanos());
        }
        giveBackShare();
      });
    }

    @Override
    public void release() {
      worker.release();
      giveBackShare();
    }

    private void giveBackShare() {
      if (expensiveHeld.compareAndSet(true, false)) {
        expensiveBack();
      }
    }
  }
}
