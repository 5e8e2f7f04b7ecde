package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.TestServers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An embedder's one meter registry outlives the FrameLoops deployed on it: a FrameLoop deployed
 * after another closed reports its own sessions and workers, not the closed one's.
 */
@ExtendWith(VertxExtension.class)
class SharedMeterRegistryTest {

  @Test
  void aFrameLoopDeployedAfterAClosedOneOnTheSameRegistryReportsItsOwnSessions(Vertx vertx) {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FrameLoopOptions options = TestServers.options();
    OpRegistry ops = await(vertx.executeBlocking(() -> OpRegistry.withDefaults(options.opSettings())));

    FrameLoop first = await(FrameLoopBootstrap.deploy(vertx, options, ops, meters));
    HttpServer firstServer = listen(vertx, first, options);
    try (FrameClient client = FrameClient.connect(vertx, firstServer.actualPort())) {
      client.hello();
      assertThat(meters.get("frameloop.sessions.active").gauge().value()).as("the first FrameLoop's session").isEqualTo(1);
      // Closed with its session still open: the gauge read the first FrameLoop's handler.
      await(first.close());
    }
    await(firstServer.close());
    assertThat(meters.find("frameloop.sessions.active").gauge()).as("the closed FrameLoop's gauges are gone").isNull();

    FrameLoop second = await(FrameLoopBootstrap.deploy(vertx, options, ops, meters));
    HttpServer secondServer = listen(vertx, second, options);
    try (FrameClient one = FrameClient.connect(vertx, secondServer.actualPort());
         FrameClient two = FrameClient.connect(vertx, secondServer.actualPort())) {
      one.hello();
      two.hello();
      assertThat(meters.get("frameloop.sessions.active").gauge().value()).as("the second FrameLoop's two sessions").isEqualTo(2);
      assertThat(meters.get("frameloop.workers").gauge().value()).as("the second FrameLoop's workers")
        .isEqualTo(options.effectiveWorkerInstances());
    }
    await(second.close());
    await(secondServer.close());
  }

  private static HttpServer listen(Vertx vertx, FrameLoop frameLoop, FrameLoopOptions options) {
    Router router = Router.router(vertx);
    frameLoop.mount(router);
    return await(vertx.createHttpServer(options.listenOptions()).requestHandler(router).listen(0, "127.0.0.1"));
  }
}
