package io.frameloop.testing;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/** Starts real FrameLoop servers on a free loopback port. */
public final class TestServers {

  private TestServers() {
  }

  /** Options for tests: loopback, any free port, two workers, fast stats, no drain on close. */
  public static FrameLoopOptions options() {
    FrameLoopOptions options = new FrameLoopOptions();
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    options.getWorkerOptions().setWorkerInstances(2);
    options.getSessionOptions().setStatsIntervalMs(200);
    // Closed at once (1001) as before drains: a test of the drain sets drainGraceMs itself.
    options.setDrainGraceMs(0);
    return options;
  }

  /** {@link #options()} changed by {@code setup}, e.g. {@code o -> o.getSessionOptions().setMaxFps(0)}. */
  public static FrameLoopOptions options(Consumer<FrameLoopOptions> setup) {
    FrameLoopOptions options = options();
    setup.accept(options);
    return options;
  }

  public static FrameLoopVerticle start(Vertx vertx, FrameLoopOptions options) {
    return start(vertx, options, null);
  }

  public static FrameLoopVerticle start(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    FrameLoopVerticle verticle = new FrameLoopVerticle(options, registry);
    Await.await(vertx.deployVerticle(verticle));
    return verticle;
  }
}
