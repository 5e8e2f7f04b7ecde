package io.frameloop.testing;

import static io.frameloop.testing.Await.await;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.InboundFrame;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetServerOptions;
import java.util.function.LongFunction;

/**
 * Servers that speak just enough of the wire protocol, or none of it, to test a client against a
 * wrong or hostile server: on a free loopback port, in the test's own Vert.x (closed with it).
 */
public final class FakeFrameServer {

  /** The hello a real server sends, reduced to what the replay client reads. */
  public static final String HELLO = "{\"type\":\"hello\",\"pipeline\":[],\"quality\":80}";

  private FakeFrameServer() {
  }

  /** Accepts TCP connections and never writes a byte: an upgrade never answered. Returns the port. */
  public static int silent(Vertx vertx) {
    return await(vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
      .connectHandler(socket -> socket.handler(bytes -> { })).listen()).actualPort();
  }

  /** Answers every HTTP request (an upgrade included) with {@code answer}. Returns the port. */
  public static int http(Vertx vertx, Handler<HttpServerRequest> answer) {
    return await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
      .requestHandler(answer).listen()).actualPort();
  }

  /** Upgrades every WebSocket and hands it to {@code session}. Returns the port. */
  public static int webSocket(Vertx vertx, Handler<ServerWebSocket> session) {
    return await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setMaxWebSocketFrameSize(FrameFormat.HEADER_LENGTH + 4 * 1024 * 1024)
        .setMaxWebSocketMessageSize(FrameFormat.HEADER_LENGTH + 4 * 1024 * 1024))
      .webSocketHandler(session).listen()).actualPort();
  }

  /**
   * A session that sends {@link #HELLO}, answers every frame with itself (its header and JPEG), and
   * after the {@code n}th frame sends the text {@code afterFrame.apply(n)} (null: nothing) as it is,
   * so a test can send JSON no encoder would write (escapes of lone surrogates, wrong types).
   */
  public static Handler<ServerWebSocket> echoing(LongFunction<String> afterFrame) {
    return ws -> {
      long[] frames = {0};
      ws.writeTextMessage(HELLO);
      ws.binaryMessageHandler(message -> {
        InboundFrame frame = FrameFormat.decode(message);
        ws.writeBinaryMessage(FrameFormat.encodeReply(frame.header(), frame.payload()));
        String text = afterFrame.apply(++frames[0]);
        if (text != null && !ws.isClosed()) {
          ws.writeTextMessage(text);
        }
      });
    };
  }

  /** A stats message that settles the client's drain after {@code frames} frames: all seen, none pending or dropped. */
  public static String settledStats(long frames) {
    return "{\"type\":\"stats\",\"in\":" + frames + ",\"pending\":0,\"droppedTotal\":0}";
  }
}
