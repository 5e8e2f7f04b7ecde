package io.frameloop.worker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A front's view of the workers, on this node and others: the {@link WorkerRoster} knows which
 * exist, the {@link WorkerLeases} hand them out one frame at a time. Made and started by
 * {@link Workers#pool}, with the one listener that hears when a worker may have become free.
 */
public final class WorkerPool {

  private final Vertx vertx;
  private final WorkerLeases leases;
  private final WorkerRoster roster;
  private final RemotePictures remotePictures;
  private long watchdog = -1;

  /**
   * @param maxLeases frames this front has in the workers at once; 0: one per known worker
   * @param whenFree  called (outside any lock) whenever a worker may have become free
   */
  WorkerPool(Vertx vertx, String address, long processTimeoutMs, int maxLeases, Runnable whenFree,
             RemotePictures remotePictures) {
    this.vertx = vertx;
    this.remotePictures = remotePictures;
    this.leases = new WorkerLeases(vertx, processTimeoutMs, maxLeases, whenFree, remotePictures);
    this.roster = new WorkerRoster(vertx, address, leases);
  }

  /** Listens to the nodes' announcements and asks every node to announce itself now. */
  Future<WorkerPool> start() {
    WorkerProtocol.registerCodecs(vertx);
    remotePictures.start(vertx);
    watchdog = vertx.setPeriodic(WorkerNodeVerticle.HEARTBEAT_MS / 2, id -> {
      roster.dropSilent();
      leases.reportStuck();
    });
    return roster.start().map(this);
  }

  /** A free worker, taken for one frame, or empty when none is free. */
  public Optional<WorkerLease> acquire() {
    return leases.acquire();
  }

  /** Frames that may be in the workers at once: one per usable worker, or fewer by {@code maxInFlight}. */
  public int capacity() {
    return leases.capacity();
  }

  /** Frames in the workers now. */
  public int busy() {
    return leases.busy();
  }

  /** {@code {"workers":N,"busy":N,"stuck":[...]}}: the usable workers, the frames in them, and the workers stuck on one. */
  public JsonObject health() {
    return new JsonObject().put("workers", leases.size()).put("busy", leases.busy()).put("stuck", leases.stuck());
  }

  public void close() {
    vertx.cancelTimer(watchdog);
    roster.close();
    remotePictures.close();
  }
}
