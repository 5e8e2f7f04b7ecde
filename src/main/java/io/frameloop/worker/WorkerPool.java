package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Deploys a node's worker verticles, each with a {@link FrameProcessor} of its own, on a pool of their own. */
public final class WorkerPool {

  private WorkerPool() {
  }

  /**
   * @param processors makes one processor per worker (called on that worker's thread)
   * @param nodeName   the node's name in the processed frames
   * @return the deployment id: undeploy it to stop the workers
   */
  public static Future<String> deploy(Vertx vertx, String address, int instances, Supplier<FrameProcessor> processors,
                                      String nodeName) {
    registerMessageCodecs(vertx);
    DeploymentOptions workers = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(instances)
      .setWorkerPoolName("frameloop-workers")
      .setWorkerPoolSize(instances);
    return vertx.deployVerticle(() -> new WorkerVerticle(address, processors, nodeName), workers);
  }

  /** The event-bus codecs of {@link FrameJob} and {@link ProcessedFrame}, once per Vert.x instance. */
  static void registerMessageCodecs(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(FrameJob.class, new FrameJobMessageCodec());
      vertx.eventBus().registerDefaultCodec(ProcessedFrame.class, new ProcessedFrameMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another FrameLoop in this Vert.x instance registered them: the same codecs.
    }
  }
}
