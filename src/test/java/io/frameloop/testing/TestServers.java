package io.frameloop.testing;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.vertx.core.Vertx;

/** Starts real FrameLoop servers on a free loopback port. */
public final class TestServers {

  private TestServers() {
  }

  /** Options for tests: loopback, any free port, two workers, fast stats. */
  public static FrameLoopOptions options() {
    return new FrameLoopOptions().setHost("127.0.0.1").setPort(0).setWorkerInstances(2).setStatsIntervalMs(200);
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
