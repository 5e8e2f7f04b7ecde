package io.frameloop.worker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which workers exist, on this node and others, as a front hears it: their nodes' announcements
 * (up, or stopped), the cluster's members ({@link Workers#membersChanged}) and the nodes' silence.
 * Announcements of a node that left the cluster count again once it is a member again.
 * A worker whose node stops, leaves the cluster or goes quiet is gone at once: the leases lose it,
 * and the frame it held fails as {@link ProcessingFailure.Kind#WORKER_LOST}. Shared by every event
 * loop, hence the lock; the leases are told under it, a lost frame is failed outside it.
 */
final class WorkerRoster {

  /** A node that has not announced its workers for this long is taken as gone. */
  static final long SILENCE_LIMIT_MS = 3 * WorkerNodeVerticle.HEARTBEAT_MS + 500;

  /** A worker, and when its node last announced it. */
  private static final class Sighting {
    final KnownWorker worker;
    long lastSeenNanos;

    Sighting(KnownWorker worker) {
      this.worker = worker;
    }
  }

  /** Leases to fail outside the lock, and whether a worker became free. */
  private record Changes(List<Lease> lost, boolean freed) {
  }

  private final Vertx vertx;
  private final String address;
  private final WorkerLeases leases;
  private final Map<String, Sighting> workers = new LinkedHashMap<>();
  /**
   * The cluster's members (node ids) as last heard, null until a member first joins or leaves. An
   * announcement from a node outside them is ignored: one still on its way after the node left, or
   * sent by a node the cluster removed while it was paused (its event bus still reaches this front,
   * but frames sent to it would find no handler) until it merges back.
   */
  private Set<String> memberIds;
  private MessageConsumer<JsonObject> announcements;
  private MessageConsumer<JsonObject> members;

  WorkerRoster(Vertx vertx, String address, WorkerLeases leases) {
    this.vertx = vertx;
    this.address = address;
    this.leases = leases;
  }

  /** Listens to the nodes' announcements and the cluster's members, and asks every node to announce itself now. */
  Future<Void> start() {
    announcements = vertx.eventBus().consumer(WorkerProtocol.announceAddress(address), this::onAnnouncement);
    members = vertx.eventBus().localConsumer(WorkerProtocol.MEMBERS_ADDRESS, message -> onMembers(message.body()));
    return announcements.completion().onSuccess(v -> vertx.eventBus().publish(WorkerProtocol.discoverAddress(address),
      new JsonObject()));
  }

  void close() {
    if (announcements != null) {
      announcements.unregister();
      members.unregister();
    }
  }

  private void onAnnouncement(Message<JsonObject> message) {
    JsonObject body = message.body();
    String node = body.getString("node");
    Changes changes = announced(body);
    changes.lost().forEach(lease -> lease.lose("node " + node + " stopped"));
    if (changes.freed()) {
      leases.tellFree();
    }
  }

  private synchronized Changes announced(JsonObject body) {
    String node = body.getString("node");
    String nodeId = body.getString("nodeId");
    List<Lease> lost = new ArrayList<>();
    boolean freed = false;
    if (nodeId != null && memberIds != null && !memberIds.contains(nodeId)) {
      return new Changes(lost, false);
    }
    boolean up = body.getBoolean("up", false);
    for (Object entry : body.getJsonArray("workers", new JsonArray())) {
      JsonObject announced = (JsonObject) entry;
      String workerAddress = announced.getString("address");
      if (!up) {
        Sighting gone = workers.remove(workerAddress);
        if (gone != null) {
          leases.remove(gone.worker).ifPresent(lost::add);
        }
        continue;
      }
      Sighting sighting = workers.computeIfAbsent(workerAddress, a -> new Sighting(new KnownWorker(a, node, nodeId)));
      sighting.lastSeenNanos = System.nanoTime();
      freed |= leases.announced(sighting.worker, announced.getLong("busyMs", 0L));
    }
    return new Changes(lost, freed);
  }

  /**
   * The cluster's members changed. The workers of a node that left are gone now, not when their
   * silence is noticed; a node that joined, or left and is a member again (it merged back after a
   * pause), is heard from now on, and every node is asked to announce itself now.
   */
  private void onMembers(JsonObject body) {
    Set<String> remaining = new HashSet<>(body.getJsonArray("nodes").getList());
    List<Lease> lost = new ArrayList<>();
    boolean joined;
    synchronized (this) {
      joined = memberIds == null || !memberIds.containsAll(remaining);
      memberIds = remaining;
      workers.values().removeIf(sighting -> {
        String nodeId = sighting.worker.nodeId();
        boolean gone = nodeId != null && !remaining.contains(nodeId);
        if (gone) {
          leases.remove(sighting.worker).ifPresent(lost::add);
        }
        return gone;
      });
    }
    lost.forEach(lease -> lease.lose("its node left the cluster"));
    if (joined) {
      vertx.eventBus().publish(WorkerProtocol.discoverAddress(address), new JsonObject());
    }
  }

  /** Forgets the workers of nodes silent for over {@link #SILENCE_LIMIT_MS}. */
  void dropSilent() {
    long now = System.nanoTime();
    List<Lease> lost = new ArrayList<>();
    synchronized (this) {
      workers.values().removeIf(sighting -> {
        boolean silent = now - sighting.lastSeenNanos > TimeUnit.MILLISECONDS.toNanos(SILENCE_LIMIT_MS);
        if (silent) {
          leases.remove(sighting.worker).ifPresent(lost::add);
        }
        return silent;
      });
    }
    lost.forEach(lease -> lease.lose("its node has been silent for " + SILENCE_LIMIT_MS + " ms"));
  }
}
