package io.frameloop.endtoend.admission;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's admission rules that only an embedder or a shutdown meets: a socket handed to
 * {@code FrameLoop.accept} over {@code maxSessions} is closed with 1013, and while FrameLoop shuts
 * down new upgrades get 503 (and sockets handed to it 1001); once it has closed, its routes are gone.
 */
@ExtendWith(VertxExtension.class)
class AdmissionTest {

  /** What a plain WebSocket client saw when the server closed it. */
  private record Closed(Short status, String reason) {
  }

  /** Connects with a plain Vert.x client and waits for the server to close the socket. */
  private static Closed connectAndAwaitClose(Vertx vertx, int port) {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      Promise<Closed> closed = Promise.promise();
      // On the connection's event loop, so that the close cannot slip between the check and the handler.
      client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/frames"))
        .onFailure(closed::tryFail)
        .onSuccess(socket -> {
          if (socket.isClosed()) {
            closed.tryComplete(new Closed(socket.closeStatusCode(), socket.closeReason()));
          } else {
            socket.closeHandler(v -> closed.tryComplete(new Closed(socket.closeStatusCode(), socket.closeReason())));
          }
        });
      return await(closed.future());
    } finally {
      client.close();
    }
  }

  @Test
  void aSocketAcceptedByTheEmbedderOverTheLimitIsClosedWith1013(Vertx vertx) {
    FrameLoopOptions options = TestServers.options(o -> o.getSessionOptions().setMaxSessions(1));
    FrameLoop frameLoop = await(FrameLoopBootstrap.deploy(vertx, options));
    HttpServer server = await(vertx.createHttpServer(options.listenOptions())
      .webSocketHandler(frameLoop::accept).listen(0, "127.0.0.1"));
    int port = server.actualPort();

    FrameClient first = FrameClient.connect(vertx, port);
    first.sendFramed(1, 0, Images.leftRedRightBlue());
    assertThat(FrameFormat.decode(first.nextBinary()).header().sequence()).isEqualTo(1);

    Closed refused = connectAndAwaitClose(vertx, port);
    assertThat(refused.status()).isEqualTo((short) 1013);
    assertThat(refused.reason()).isEqualTo("too many sessions: the limit is 1");
    assertThat(first.isClosed()).as("the admitted session is untouched").isFalse();

    // The slot is freed when the session closes.
    first.close();
    Wait.until("the first session closed", FrameClient.TIMEOUT, () -> frameLoop.sessionCount() == 0);
    try (FrameClient next = FrameClient.connect(vertx, port)) {
      assertThat(next.hello().getString("type")).isEqualTo("hello");
    }

    await(frameLoop.close());
    Closed goingAway = connectAndAwaitClose(vertx, port);
    assertThat(goingAway.status()).as("handed to a FrameLoop that has shut down").isEqualTo((short) 1001);
    assertThat(goingAway.reason()).isEqualTo(FrameLoop.SHUTDOWN_REASON);
    await(server.close());
  }

  @Test
  void whileFrameLoopShutsDownNewUpgradesGet503AndOnceClosedItsRoutesAreGone(Vertx vertx) throws Exception {
    // A client that never answers the closing handshake holds the shutdown open for the closing timeout.
    FrameLoopOptions options = TestServers.options(o -> o.getHttpServerOptions().setWebSocketClosingTimeout(60));
    FrameLoop frameLoop = await(FrameLoopBootstrap.deploy(vertx, options));
    Router router = Router.router(vertx);
    frameLoop.mount(router);
    HttpServer server = await(vertx.createHttpServer(options.listenOptions()).requestHandler(router).listen(0, "127.0.0.1"));
    int port = server.actualPort();
    FrameClient open = FrameClient.connect(vertx, port);
    RawWebSocket silent = RawWebSocket.connect(port, "/frames");
    Wait.until("both sessions admitted", FrameClient.TIMEOUT, () -> frameLoop.sessionCount() >= 2);

    Future<Void> closing = frameLoop.close();
    open.awaitClosed();
    assertThat(open.closeStatus()).isEqualTo((short) 1001);
    assertThat(closing.isComplete()).as("the silent client holds the shutdown open").isFalse();
    // The HTTP server is the application's and still up: FrameLoop refuses the upgrade itself.
    assertThatThrownBy(() -> FrameClient.connect(vertx, port))
      .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(503));
    assertThat(Metrics.scrape(port).value("frameloop_sessions_rejected_total{reason=\"shutting_down\"}")).isEqualTo(1.0);

    silent.close(); // the connection goes: the shutdown completes
    await(closing);
    assertThat(Http.get(port, "/frames").statusCode()).as("the closed FrameLoop's frames route is removed").isEqualTo(404);
    assertThat(Http.get(port, Metrics.PATH).statusCode()).isEqualTo(404);
    assertThat(Http.get(port, "/health").statusCode()).isEqualTo(404);
    await(server.close());
  }
}
