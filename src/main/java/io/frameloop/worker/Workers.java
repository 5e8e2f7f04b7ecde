package io.frameloop.worker;

import io.frameloop.pipeline.FrameProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
    return vertx.deployVerticle(new WorkerNodeVerticle(address, instances, processors, nodeName));
  }

  /**
   * The workers on {@code address}, as a front sees them; completes once it listens to their
   * announcements (the first arrive right after).
   *
   * @param processTimeoutMs a frame's deadline, and how long a worker may hold one before it is reported stuck
   * @param maxInFlight      frames in the workers at once from this front; 0: one per known worker
   */
  public static Future<WorkerPool> pool(Vertx vertx, String address, long processTimeoutMs, int maxInFlight) {
    return new WorkerPool(vertx, address, processTimeoutMs, maxInFlight).start();
  }
}
