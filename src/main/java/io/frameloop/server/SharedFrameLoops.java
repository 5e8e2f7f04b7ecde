package io.frameloop.server;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One FrameLoop service per deployment of {@link FrameLoopVerticle}, however many instances it has
 * ({@code setInstances(n)}, each with its own HTTP server on the shared port): one set of
 * sessions, one {@code maxSessions}, one set of meters. Separate deployments get separate
 * services. The first instance to stop closes the sessions (1001 for every one of them); the last
 * forgets the service.
 */
final class SharedFrameLoops {

  private static final Map<String, Share> BY_DEPLOYMENT = new HashMap<>();

  /** One instance's hold on its deployment's service. */
  static final class Share {
    private final String deploymentId;
    private final Future<FrameLoop> frameLoop;
    private int users;
    private Future<Void> closed;

    private Share(String deploymentId, Future<FrameLoop> frameLoop) {
      this.deploymentId = deploymentId;
      this.frameLoop = frameLoop;
    }

    Future<FrameLoop> frameLoop() {
      return frameLoop;
    }
  }

  private SharedFrameLoops() {
  }

  /** The service of {@code deploymentId}, deployed by its first instance. */
  static synchronized Share acquire(String deploymentId, Supplier<Future<FrameLoop>> deploy) {
    Share share = BY_DEPLOYMENT.get(deploymentId);
    if (share == null) {
      share = new Share(deploymentId, deploy.get());
      BY_DEPLOYMENT.put(deploymentId, share);
    }
    share.users++;
    return share;
  }

  /**
   * One instance stops, or failed to start (Vert.x then never calls its stop): the first closes
   * the service, every one waits for that, the last forgets it.
   */
  static synchronized Future<Void> release(Share share) {
    if (share.closed == null) {
      share.closed = share.frameLoop.transform(started -> {
        if (started.failed()) {
          return Future.succeededFuture(); // nothing was deployed to close
        }
        return started.result().close();
      });
    }
    if (--share.users == 0 && BY_DEPLOYMENT.get(share.deploymentId) == share) {
      BY_DEPLOYMENT.remove(share.deploymentId);
    }
    return share.closed;
  }
}
