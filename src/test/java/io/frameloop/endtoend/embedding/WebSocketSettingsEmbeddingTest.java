package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;

/**
 * An application's own server with FrameLoop's WebSocket settings alone
 * ({@link FrameLoopOptions#applyWebSocketSettings}): its routes may answer from any thread (no
 * {@code strictThreadMode}), and frames of up to {@code maxMessageBytes} stream.
 */
@ExtendWith(VertxExtension.class)
class WebSocketSettingsEmbeddingTest {

  /** An application as apps are written: a verticle with its own router and server, FrameLoop mounted on them. */
  private static final class AppVerticle extends VerticleBase {
    private final FrameLoopOptions options;
    private final UnaryOperator<HttpServerOptions> serverSettings;
    private FrameLoop frameLoop;
    private HttpServer server;

    AppVerticle(FrameLoopOptions options, UnaryOperator<HttpServerOptions> serverSettings) {
      this.options = options;
      this.serverSettings = serverSettings;
    }

    @Override
    public Future<?> start() {
      return FrameLoopBootstrap.deploy(vertx, options).compose(deployed -> {
        frameLoop = deployed;
        Router router = Router.router(vertx);
        // The app's own work, answered from a thread of its own, as apps with their own executors do.
        router.get("/api/report").handler(ctx -> new Thread(() -> ctx.response().end("report from " + Thread.currentThread().getName()),
          "app-reporter").start());
        frameLoop.mount(router);
        frameLoop.mountPage(router);
        return vertx.createHttpServer(serverSettings.apply(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
          .requestHandler(router).listen();
      }).onSuccess(listening -> server = listening);
    }

    @Override
    public Future<?> stop() {
      return frameLoop.close().compose(v -> server.close());
    }
  }

  @Test
  void anAppRouteAnsweringFromAnotherThreadAndFramesOnTheSameServer(Vertx vertx) {
    FrameLoopOptions options = TestServers.options(o -> o.getWorkerOptions().setAddress("frameloop.websocket-settings"));
    assertThat(options.applyWebSocketSettings(new HttpServerOptions()).getStrictThreadMode()).isFalse();
    AppVerticle app = new AppVerticle(options, options::applyWebSocketSettings);
    String deployment = await(vertx.deployVerticle(app));
    int port = app.server.actualPort();
    try {
      assertThat(Http.get(port, "/api/report").body()).isEqualTo("report from app-reporter");
      try (FrameClient client = FrameClient.connect(vertx, port)) {
        for (int sequence = 1; sequence <= 3; sequence++) {
          client.sendFramed(sequence, 0, Images.noiseJpeg(1280, 720, 95));
          Mat image = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
          assertThat(image.cols()).as("frame %d processed", sequence).isEqualTo(700);
        }
        assertThat(Http.get(port, "/api/report").body()).as("while a session is open").isEqualTo("report from app-reporter");
      }
    } finally {
      await(vertx.undeploy(deployment));
    }
  }

  @Test
  void anAppWithItsOwnSubprotocolsStillOffersFrameLoops(Vertx vertx) {
    FrameLoopOptions options = TestServers.options(o -> o.getWorkerOptions().setAddress("frameloop.websocket-subprotocols"));
    AppVerticle app = new AppVerticle(options, server -> options.applyWebSocketSettings(server.setWebSocketSubProtocols(List.of("mqtt"))));
    String deployment = await(vertx.deployVerticle(app));
    WebSocketClient browserLike = vertx.createWebSocketClient();
    try {
      // As a browser asks: the frames subprotocol, and the handshake fails unless the server selects it.
      WebSocket socket = await(browserLike.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.server.actualPort())
        .setURI("/frames").setSubProtocols(List.of(FrameFormat.SUBPROTOCOL))));
      assertThat(socket.subProtocol()).isEqualTo(FrameFormat.SUBPROTOCOL);
      await(socket.close());
      assertThat(app.server.actualPort()).isPositive();
    } finally {
      await(browserLike.close());
      await(vertx.undeploy(deployment));
    }
  }
}
