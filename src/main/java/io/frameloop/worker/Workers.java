package io.frameloop.worker;

import io.frameloop.pipeline.FrameProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The two ends of the worker round trip: a node's worker verticles, each with a
 * {@link FrameProcessor} of its own on a pool of their own, and a front's {@link WorkerPool}, which
 * sends frames to free workers on this node or any other of the cluster.
 */
public final class Workers {

  private Workers() {
  }

  /**
   * Deploys this node's workers and announces them on {@code address}.
   *
   * @param processors makes one processor per worker (called on that worker's thread)
   * @param nodeName   the node's name in the processed frames and the announcements
   * @return the deployment id: undeploy it to stop the workers
   */
  public static Future<String> deploy(Vertx vertx, String address, int instances, Supplier<FrameProcessor> processors,
                                      String nodeName) {
    return deploy(vertx, address, instances, processors, nodeName, new BeforeStop());
  }

  /** @param beforeStop what the workers wait for when told to stop, before they stop taking frames (a drain) */
  public static Future<String> deploy(Vertx vertx, String address, int instances, Supplier<FrameProcessor> processors,
                                      String nodeName, BeforeStop beforeStop) {
    return vertx.deployVerticle(new WorkerNodeVerticle(address, instances, processors, nodeName, beforeStop));
  }

  /**
   * The workers on {@code address}, as a front sees them; completes once it listens to their
   * announcements (the first arrive right after).
   *
   * @param processTimeoutMs a frame's deadline, and how long a worker may hold one before it is reported stuck
   * @param maxInFlight      frames in the workers at once from this front; 0: one per known worker
   * @param whenFree         the pool's one listener: called (outside any lock, on any thread) whenever a
   *                         worker may have become free
   */
  public static Future<WorkerPool> pool(Vertx vertx, String address, long processTimeoutMs, int maxInFlight,
                                        Runnable whenFree) {
    return pool(vertx, address, processTimeoutMs, maxInFlight, whenFree, RemotePictures.raw());
  }

  /** As above, with what decoded video pictures travel to workers on other nodes as. */
  public static Future<WorkerPool> pool(Vertx vertx, String address, long processTimeoutMs, int maxInFlight,
                                        Runnable whenFree, RemotePictures remotePictures) {
    return new WorkerPool(vertx, address, processTimeoutMs, maxInFlight, whenFree, remotePictures).start();
  }

  /**
   * Tells this Vert.x instance's worker pools that the cluster's members are now {@code nodeIds}
   * (Vert.x node ids), after one left or joined: the frames the workers of a node no longer among
   * them held are dropped as {@code worker_lost} at once, and they get no more; a node that left and
   * is among them again (it merged back after a pause) gets frames again once it announces itself.
   * For the cluster manager's side; callable from any thread, it does not block.
   */
  public static void membersChanged(Vertx vertx, Collection<String> nodeIds) {
    vertx.eventBus().publish(WorkerProtocol.MEMBERS_ADDRESS, new JsonObject().put("nodes", new JsonArray(List.copyOf(nodeIds))),
      new DeliveryOptions().setLocalOnly(true));
  }
}
