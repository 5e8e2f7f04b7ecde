package io.frameloop.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * One FrameLoop service per Vert.x instance and workers' address, however many
 * {@link FrameLoopVerticle} instances front it (deployed with {@code setInstances(n)}, each with
 * its own HTTP server on the shared port): one set of sessions, one {@code maxSessions}, one set
 * of meters. The first instance to stop closes the sessions (1001 for every one of them); the last
 * forgets the service.
 */
final class SharedFrameLoops {

  private static final Map<Vertx, Map<String, Shared>> SERVICES = new WeakHashMap<>();

  private static final class Shared {
    final Future<FrameLoop> frameLoop;
    int users;
    Future<Void> closed;

    Shared(Future<FrameLoop> frameLoop) {
      this.frameLoop = frameLoop;
    }
  }

  private SharedFrameLoops() {
  }

  /** The service for {@code address} in this Vert.x instance, deployed by the first caller. */
  static synchronized Future<FrameLoop> acquire(Vertx vertx, String address, Supplier<Future<FrameLoop>> deploy) {
    Map<String, Shared> services = SERVICES.computeIfAbsent(vertx, v -> new HashMap<>());
    Shared shared = services.get(address);
    if (shared == null || shared.closed != null) {
      shared = new Shared(deploy.get());
      services.put(address, shared);
      Shared failed = shared;
      // A failed start is not kept: the next instance (or deployment) tries again.
      shared.frameLoop.onFailure(e -> forget(vertx, address, failed));
    }
    shared.users++;
    return shared.frameLoop;
  }

  /** One instance stops: the first closes the service, every one waits for that. */
  static synchronized Future<Void> release(Vertx vertx, String address, FrameLoop frameLoop) {
    Map<String, Shared> services = SERVICES.get(vertx);
    Shared shared = services == null ? null : services.get(address);
    if (shared == null) {
      return frameLoop.close();
    }
    if (shared.closed == null) {
      shared.closed = frameLoop.close();
    }
    if (--shared.users == 0) {
      services.remove(address);
    }
    return shared.closed;
  }

  private static synchronized void forget(Vertx vertx, String address, Shared shared) {
    Map<String, Shared> services = SERVICES.get(vertx);
    if (services != null && services.get(address) == shared) {
      services.remove(address);
    }
  }
}
