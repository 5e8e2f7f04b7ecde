package io.frameloop.worker;

import io.frameloop.pipeline.FrameProcessor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A node's workers: deploys the {@link WorkerVerticle}s, each on an address of its own, and
 * announces them to the fronts from an event loop — every heartbeat, when a front asks, and
 * when they stop — so that a front knows which workers exist and sees a node that dies go quiet.
 * Undeploying it undeploys the workers.
 */
final class WorkerNodeVerticle extends VerticleBase {

  static final long HEARTBEAT_MS = 1_000;

  private final String address;
  private final int instances;
  private final Supplier<FrameProcessor> processors;
  private final String nodeName;
  private final BeforeStop beforeStop;
  /** Each worker's address and when its frame in hand started (epoch ms), or 0. */
  private final Map<String, AtomicLong> workers = new LinkedHashMap<>();
  private MessageConsumer<Object> discover;
  private long heartbeat;

  WorkerNodeVerticle(String address, int instances, Supplier<FrameProcessor> processors, String nodeName,
                     BeforeStop beforeStop) {
    this.beforeStop = beforeStop;
    this.address = address;
    this.instances = instances;
    this.processors = processors;
    this.nodeName = nodeName;
  }

  @Override
  public Future<?> start() {
    WorkerProtocol.registerCodecs(vertx);
    String prefix = address + "." + UUID.randomUUID() + ".";
    for (int i = 0; i < instances; i++) {
      workers.put(prefix + i, new AtomicLong());
    }
    DeploymentOptions options = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setWorkerPoolName("frameloop-workers")
      .setWorkerPoolSize(instances);
    List<Future<String>> deployed = new ArrayList<>();
    workers.forEach((workerAddress, busySince) -> deployed.add(vertx.deployVerticle(
      new WorkerVerticle(workerAddress, processors, nodeName, busySince, beforeStop), options)));
    discover = vertx.eventBus().consumer(WorkerProtocol.discoverAddress(address), message -> announce(true));
    return Future.all(deployed).compose(all -> discover.completion()).onSuccess(v -> {
      announce(true);
      heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> announce(true));
    });
  }

  /**
   * {@code {"node":..., "nodeId":..., "up":true, "workers":[{"address":..., "busyMs":N}, ...]}}; busyMs 0: free;
   * nodeId: the node's cluster id, null when not clustered.
   */
  private void announce(boolean up) {
    long now = System.currentTimeMillis();
    JsonArray list = new JsonArray();
    workers.forEach((workerAddress, busySince) -> {
      long since = busySince.get();
      list.add(new JsonObject().put("address", workerAddress).put("busyMs", since == 0 ? 0 : Math.max(1, now - since)));
    });
    vertx.eventBus().publish(WorkerProtocol.announceAddress(address),
      new JsonObject()
        .put("node", nodeName)
        .put("nodeId", WorkerProtocol.clusterNodeId(vertx))
        .put("up", up)
        .put("workers", list));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(heartbeat);
    announce(false);
    return discover.unregister();
  }
}
