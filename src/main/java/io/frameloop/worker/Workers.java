package io.frameloop.worker;

import io.frameloop.pipeline.FrameProcessor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * The two ends of the worker round trip: a node's worker verticles, each with a
 * {@link FrameProcessor} of its own on a pool of their own, and the client sessions send frames
 * through, to those workers or to any in the cluster.
 */
public final class Workers {

  private Workers() {
  }

  /** A client of the workers consuming {@code address} on the (local or clustered) event bus. */
  public static WorkerClient client(Vertx vertx, String address, long timeoutMs) {
    WorkerMessageCodecs.register(vertx);
    return new EventBusWorkerClient(vertx, address, timeoutMs);
  }

  /**
   * @param processors makes one processor per worker (called on that worker's thread)
   * @param nodeName   the node's name in the processed frames
   * @return the deployment id: undeploy it to stop the workers
   */
  public static Future<String> deploy(Vertx vertx, String address, int instances, Supplier<FrameProcessor> processors,
                                      String nodeName) {
    WorkerMessageCodecs.register(vertx);
    DeploymentOptions workers = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(instances)
      .setWorkerPoolName("frameloop-workers")
      .setWorkerPoolSize(instances);
    return vertx.deployVerticle(() -> new WorkerVerticle(address, processors, nodeName), workers);
  }
}
