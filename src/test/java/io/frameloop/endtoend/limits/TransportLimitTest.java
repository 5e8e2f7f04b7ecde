package io.frameloop.endtoend.limits;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.Images;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** FrameLoop mounted on a server with Vert.x's default WebSocket limits (64 KiB): the cut is blamed on the server's limit, not the client. */
@ExtendWith(VertxExtension.class)
class TransportLimitTest {

  /** How often the session count and the log are read while waiting. */
  private static final Duration POLL = Duration.ofMillis(50);

  @Test
  void aFrameOverTheServersOwnLimitIsReportedAsTheTransportLimit(Vertx vertx) throws Exception {
    FrameLoopOptions options = TestServers.options();
    FrameLoop frameLoop = await(FrameLoopBootstrap.deploy(vertx, options));
    Router router = Router.router(vertx);
    frameLoop.mount(router);
    HttpServer server = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
      .requestHandler(router).listen());
    CapturedLog log = CapturedLog.from(Level.FINE); // the session's close line is at debug
    try (RawWebSocket client = RawWebSocket.connect(server.actualPort(), "/frames")) {
      // A 640x480 noise JPEG is well over 64 KiB: a webcam frame the default server cannot take.
      try {
        client.send(RawWebSocket.BINARY, FrameFormat.encode(new FrameHeader(1, 0), Images.noiseJpeg(640, 480, 90)).getBytes());
        assertThat(client.closedByServer(20_000)).isTrue();
      } catch (SocketException cutWhileSending) {
        // The server may read the frame's length, refuse it and cut the connection before the
        // payload is all written: the cut this test is about, seen from the sending side.
      }
      Wait.until("the cut session gone", Wait.LIMIT, POLL, () -> frameLoop.sessionCount() == 0);
      Wait.until("the transport-limit warning and the session's close line", Wait.LIMIT, POLL,
        () -> !warnings(log).isEmpty() && !closes(log).isEmpty());
    } finally {
      log.close();
    }
    assertThat(closes(log).get(0)).as("the session's close reason").contains("transport limit exceeded");
    assertThat(warnings(log).get(0)).contains("WebSocket limit").contains("maxMessageBytes").contains("listenOptions()");
    await(frameLoop.close());
  }

  private static List<String> warnings(CapturedLog log) {
    return log.messages(Level.WARNING);
  }

  private static List<String> closes(CapturedLog log) {
    return log.messages(Level.FINE).stream().filter(m -> m.startsWith("session closed")).toList();
  }
}
