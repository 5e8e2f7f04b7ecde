package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A front's view of the workers, on this node and others: which exist (from their nodes'
 * announcements), which are free, which hold a frame and since when. A frame goes only to a free
 * worker ({@link #acquire}), so one slow frame never queues others behind it while another worker
 * idles; a worker stays taken until it answers. A worker whose node leaves the cluster
 * ({@link Workers#membersChanged}) or goes quiet is gone: its frame fails at once as
 * {@link ProcessingFailure.Kind#WORKER_LOST}. A worker on one frame for longer
 * than {@code processTimeoutMs} is reported stuck (a warning, and {@link #health}) and gets no
 * frame until it answers. Shared by every event loop, hence the lock; nothing slow happens under it.
 */
public final class WorkerPool {

  private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());
  /** A node that has not announced its workers for this long is taken as gone. */
  static final long SILENCE_LIMIT_MS = 3 * WorkerNodeVerticle.HEARTBEAT_MS + 500;

  private final Vertx vertx;
  private final String address;
  private final long processTimeoutMs;
  private final int maxLeases;
  private final Map<String, KnownWorker<Lease>> workers = new LinkedHashMap<>();
  private final RateLimitedLog lostLog = new RateLimitedLog(LOG, 10_000);
  private volatile Runnable onFree = () -> { };
  private MessageConsumer<JsonObject> announcements;
  private MessageConsumer<JsonObject> members;
  /** Nodes that left the cluster, and when: an announcement of theirs still on its way is ignored. */
  private final Map<String, Long> departed = new HashMap<>();
  private long watchdog = -1;
  private int cursor;
  private int leased;

  /**
   * @param maxLeases frames this front has in the workers at once; 0: one per known worker
   */
  WorkerPool(Vertx vertx, String address, long processTimeoutMs, int maxLeases) {
    this.vertx = vertx;
    this.address = address;
    this.processTimeoutMs = processTimeoutMs;
    this.maxLeases = maxLeases;
  }

  /** Listens to the nodes' announcements and asks every node to announce itself now. */
  Future<WorkerPool> start() {
    WorkerProtocol.registerCodecs(vertx);
    announcements = vertx.eventBus().consumer(WorkerProtocol.announceAddress(address), this::onAnnouncement);
    members = vertx.eventBus().localConsumer(WorkerProtocol.MEMBERS_ADDRESS, message -> onMembers(message.body()));
    watchdog = vertx.setPeriodic(WorkerNodeVerticle.HEARTBEAT_MS / 2, id -> watch());
    return announcements.completion().map(v -> {
      vertx.eventBus().publish(WorkerProtocol.discoverAddress(address), new JsonObject());
      return this;
    });
  }

  /** Called (outside any lock) whenever a worker may have become free. */
  public void onFree(Runnable listener) {
    this.onFree = listener;
  }

  /** A free worker, taken for one frame, or empty when none is free. */
  public synchronized Optional<WorkerLease> acquire() {
    if (maxLeases > 0 && leased >= maxLeases) {
      return Optional.empty();
    }
    List<KnownWorker<Lease>> all = new ArrayList<>(workers.values());
    for (int i = 0; i < all.size(); i++) {
      KnownWorker<Lease> worker = all.get((cursor + i) % all.size());
      if (worker.lease == null) {
        cursor = (cursor + i + 1) % all.size();
        worker.lease = new Lease(worker);
        leased++;
        return Optional.of(worker.lease);
      }
    }
    return Optional.empty();
  }

  /** Frames in the workers now. */
  public synchronized int busy() {
    return leased;
  }

  /** {@code {"workers":N,"busy":N,"stuck":[...]}}, and whether every worker is usable. */
  public synchronized JsonObject health() {
    JsonArray stuck = new JsonArray();
    workers.values().stream().filter(w -> w.stuck).forEach(w -> stuck.add(new JsonObject().put("node", w.node)
      .put("worker", w.address).put("busyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - w.lease.sentNanos))));
    return new JsonObject().put("workers", workers.size()).put("busy", leased).put("stuck", stuck);
  }

  public void close() {
    vertx.cancelTimer(watchdog);
    if (announcements != null) {
      announcements.unregister();
      members.unregister();
    }
  }

  private void onAnnouncement(Message<JsonObject> message) {
    JsonObject body = message.body();
    String node = body.getString("node");
    String nodeId = body.getString("nodeId");
    List<Lease> lost = new ArrayList<>();
    boolean freed = false;
    synchronized (this) {
      if (nodeId != null && departed.containsKey(nodeId)) {
        return;
      }
      for (Object entry : body.getJsonArray("workers", new JsonArray())) {
        JsonObject announced = (JsonObject) entry;
        String workerAddress = announced.getString("address");
        if (!body.getBoolean("up", false)) {
          KnownWorker<Lease> gone = workers.remove(workerAddress);
          if (gone != null && gone.lease != null) {
            lost.add(gone.lease);
          }
          continue;
        }
        KnownWorker<Lease> worker = workers.get(workerAddress);
        if (worker == null) {
          worker = new KnownWorker<>(workerAddress, node, nodeId);
          workers.put(workerAddress, worker);
          freed = true;
        }
        worker.lastSeenNanos = System.nanoTime();
        if (worker.lease != null && worker.lease.abandoned && announced.getLong("busyMs", 0L) == 0) {
          freed |= free(worker.lease); // it timed out here, and has finished there since
        }
      }
    }
    lost.forEach(lease -> lease.lose("node " + node + " stopped"));
    if (freed) {
      onFree.run();
    }
  }

  /** A node left the cluster: its workers are gone now, not when their silence is noticed. */
  private void onMembers(JsonObject body) {
    Set<String> remaining = new HashSet<>(body.getJsonArray("nodes").getList());
    List<Lease> lost = new ArrayList<>();
    synchronized (this) {
      workers.values().removeIf(worker -> {
        boolean gone = worker.nodeId != null && !remaining.contains(worker.nodeId);
        if (gone) {
          departed.put(worker.nodeId, System.nanoTime());
          if (worker.lease != null) {
            lost.add(worker.lease);
          }
        }
        return gone;
      });
    }
    lost.forEach(lease -> lease.lose("its node left the cluster"));
  }

  private void watch() {
    long now = System.nanoTime();
    List<Lease> lost = new ArrayList<>();
    synchronized (this) {
      departed.values().removeIf(since -> now - since > TimeUnit.MILLISECONDS.toNanos(10 * SILENCE_LIMIT_MS));
      workers.values().removeIf(worker -> {
        boolean silent = now - worker.lastSeenNanos > TimeUnit.MILLISECONDS.toNanos(SILENCE_LIMIT_MS);
        if (silent && worker.lease != null) {
          lost.add(worker.lease);
        }
        return silent;
      });
      for (KnownWorker<Lease> worker : workers.values()) {
        if (worker.lease != null && worker.lease.sentNanos > 0 && !worker.stuck
          && now - worker.lease.sentNanos > TimeUnit.MILLISECONDS.toNanos(processTimeoutMs)) {
          worker.stuck = true;
          LOG.log(System.Logger.Level.WARNING, "worker {0} on node {1} has been on one frame for over {2} ms"
            + " (processTimeoutMs); it gets no frame until it answers", worker.address, worker.node, processTimeoutMs);
        }
      }
    }
    lost.forEach(lease -> lease.lose("its node has been silent for " + SILENCE_LIMIT_MS + " ms"));
  }

  /** Gives the lease's worker back; true when it was still taken by this lease. */
  private synchronized boolean free(Lease lease) {
    if (lease.worker.lease != lease) {
      return false;
    }
    lease.worker.lease = null;
    lease.worker.stuck = false;
    leased--;
    return true;
  }

  private void freeAndTell(Lease lease) {
    if (free(lease)) {
      onFree.run();
    }
  }

  private final class Lease implements WorkerLease {

    private final KnownWorker<Lease> worker;
    private final Promise<ProcessedFrame> result = Promise.promise();
    private volatile Context context;
    private volatile long sentNanos;
    /** The worker went away before or while it had the frame. */
    private volatile boolean lost;
    /** The request timed out: the worker stays taken until its node says it is free. */
    private volatile boolean abandoned;

    Lease(KnownWorker<Lease> worker) {
      this.worker = worker;
    }

    @Override
    public Future<ProcessedFrame> process(FrameJob job) {
      context = vertx.getOrCreateContext();
      if (lost) {
        return Future.failedFuture(new ProcessingFailure(ProcessingFailure.Kind.WORKER_LOST, "the worker is gone"));
      }
      sentNanos = System.nanoTime();
      DeliveryOptions delivery = new DeliveryOptions()
        // The hard limit: past it the frame is given up, but the worker stays taken (see abandoned).
        .setSendTimeout(10 * processTimeoutMs)
        .addHeader(WorkerProtocol.DEADLINE_HEADER, Long.toString(System.currentTimeMillis() + processTimeoutMs));
      vertx.eventBus().<ProcessedFrame>request(worker.address, job, delivery).onComplete(reply -> {
        if (reply.succeeded()) {
          freeAndTell(this);
          result.tryComplete(reply.result().body());
          return;
        }
        ProcessingFailure failure = WorkerProtocol.failure(reply.cause());
        ReplyFailure type = reply.cause() instanceof ReplyException e ? e.failureType() : ReplyFailure.ERROR;
        if (type == ReplyFailure.TIMEOUT) {
          abandoned = true;
        } else if (type == ReplyFailure.NO_HANDLERS) {
          forget(worker);
        } else {
          freeAndTell(this);
        }
        result.tryFail(failure);
      });
      return result.future();
    }

    @Override
    public void release() {
      freeAndTell(this);
    }

    /** The worker is gone: the frame fails now, on the session's context. */
    void lose(String why) {
      lost = true;
      freeAndTell(this);
      lostLog.warn("worker " + worker.address + " on node " + worker.node + " is gone (" + why
        + "); a frame it held was dropped as worker_lost");
      ProcessingFailure failure = new ProcessingFailure(ProcessingFailure.Kind.WORKER_LOST, "the worker is gone: " + why);
      if (context == null) {
        return; // taken but never sent: the session releases it, which is then a no-op
      }
      context.runOnContext(v -> result.tryFail(failure));
    }
  }

  /** A worker that no longer receives: out of the pool, and its lease given back. */
  private void forget(KnownWorker<Lease> worker) {
    Lease lease;
    synchronized (this) {
      workers.remove(worker.address, worker);
      lease = worker.lease;
    }
    if (lease != null) {
      freeAndTell(lease);
    }
  }
}
