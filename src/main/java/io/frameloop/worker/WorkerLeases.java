package io.frameloop.worker;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hands out the usable workers one frame at a time and takes them back: which are free, which
 * hold a frame and since when. A frame goes only to a free worker ({@link #acquire}), in turn,
 * so one slow frame never queues others behind it while another worker idles; a worker stays
 * taken until it answers. A worker on one frame for longer than {@code processTimeoutMs} is
 * reported stuck (a warning, and {@link #stuck}). Which workers exist is the roster's to say
 * ({@link #announced}, {@link #remove}). Shared by every event loop, hence the lock; nothing slow
 * happens under it, and {@code whenFree} is called outside it.
 */
final class WorkerLeases {

  private static final System.Logger LOG = System.getLogger(WorkerLeases.class.getName());

  /** A usable worker, and the lease that holds it if any. */
  private static final class Slot {
    final KnownWorker worker;
    Lease lease;
    boolean stuck;

    Slot(KnownWorker worker) {
      this.worker = worker;
    }
  }

  private final Vertx vertx;
  private final long processTimeoutMs;
  private final int maxLeases;
  private final Runnable whenFree;
  private final RemotePictures remotePictures;
  private final RateLimitedLog lostLog = new RateLimitedLog(LOG, 10_000);
  /** The usable workers by address, in the order they came. */
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  /** The leases out now, with their worker's slot (which may have left {@link #slots} since). */
  private final Map<Lease, Slot> taken = new HashMap<>();
  private int cursor;

  /**
   * @param maxLeases frames out at once; 0: one per usable worker
   * @param whenFree  told whenever a worker may have become free
   */
  WorkerLeases(Vertx vertx, long processTimeoutMs, int maxLeases, Runnable whenFree, RemotePictures remotePictures) {
    this.vertx = vertx;
    this.remotePictures = remotePictures;
    this.processTimeoutMs = processTimeoutMs;
    this.maxLeases = maxLeases;
    this.whenFree = whenFree;
  }

  /** A free worker, taken for one frame, or empty when none is free. */
  synchronized Optional<WorkerLease> acquire() {
    if (maxLeases > 0 && taken.size() >= maxLeases) {
      return Optional.empty();
    }
    List<Slot> all = new ArrayList<>(slots.values());
    for (int i = 0; i < all.size(); i++) {
      Slot slot = all.get((cursor + i) % all.size());
      if (slot.lease == null) {
        cursor = (cursor + i + 1) % all.size();
        slot.lease = new Lease(vertx, slot.worker, processTimeoutMs, this::giveBack, this::unreachable, lostLog, remotePictures);
        taken.put(slot.lease, slot);
        return Optional.of(slot.lease);
      }
    }
    return Optional.empty();
  }

  /** Frames out now. */
  synchronized int busy() {
    return taken.size();
  }

  /** Frames that may be out at once: the usable workers, or fewer when {@code maxLeases} says so. */
  synchronized int capacity() {
    return maxLeases > 0 ? Math.min(maxLeases, slots.size()) : slots.size();
  }

  /** Usable workers. */
  synchronized int size() {
    return slots.size();
  }

  /** The workers reported stuck: {@code [{"node","worker","busyMs"}, ...]}. */
  synchronized JsonArray stuck() {
    JsonArray stuck = new JsonArray();
    long now = System.nanoTime();
    for (Slot slot : slots.values()) {
      if (slot.stuck) {
        long busyMs = TimeUnit.NANOSECONDS.toMillis(now - slot.lease.sentNanos());
        stuck.add(new JsonObject().put("node", slot.worker.node()).put("worker", slot.worker.address()).put("busyMs", busyMs));
      }
    }
    return stuck;
  }

  /**
   * Its node announced a worker as up, busy for {@code busyMs}: usable from now on if it was not.
   * Tells nobody.
   *
   * @return whether a worker became free: it is new, or it timed out here and has finished there since
   */
  synchronized boolean announced(KnownWorker worker, long busyMs) {
    Slot slot = slots.get(worker.address());
    if (slot == null) {
      slots.put(worker.address(), new Slot(worker));
      return true;
    }
    if (slot.lease != null && slot.lease.abandoned() && busyMs == 0) {
      return free(slot.lease);
    }
    return false;
  }

  /** The worker is gone: no longer usable. Its lease, if it held one, is the caller's to lose outside any lock. */
  synchronized Optional<Lease> remove(KnownWorker worker) {
    Slot slot = slots.get(worker.address());
    if (slot == null || !slot.worker.equals(worker)) {
      return Optional.empty();
    }
    slots.remove(worker.address());
    return Optional.ofNullable(slot.lease);
  }

  /** Tells the listener that a worker may have become free; outside any lock. */
  void tellFree() {
    whenFree.run();
  }

  /** Warns once for each worker that has been on one frame for longer than {@code processTimeoutMs}. */
  synchronized void reportStuck() {
    long now = System.nanoTime();
    for (Slot slot : slots.values()) {
      long sent = slot.lease == null ? 0 : slot.lease.sentNanos();
      if (sent > 0 && !slot.stuck && now - sent > TimeUnit.MILLISECONDS.toNanos(processTimeoutMs)) {
        slot.stuck = true;
        LOG.log(System.Logger.Level.WARNING, "worker {0} on node {1} has been on one frame for over {2} ms"
          + " (processTimeoutMs); it gets no frame until it answers", slot.worker.address(), slot.worker.node(), processTimeoutMs);
      }
    }
  }

  /** Takes the lease's worker back; true when it was still taken by this lease. */
  private synchronized boolean free(Lease lease) {
    Slot slot = taken.remove(lease);
    if (slot == null) {
      return false;
    }
    slot.lease = null;
    slot.stuck = false;
    return true;
  }

  private void giveBack(Lease lease) {
    if (free(lease)) {
      tellFree();
    }
  }

  /**
   * The lease's worker no longer receives: it is not usable until its node announces it again, and
   * the lease is freed.
   */
  private void unreachable(Lease lease) {
    synchronized (this) {
      slots.remove(lease.worker().address(), taken.get(lease));
    }
    giveBack(lease);
  }
}
