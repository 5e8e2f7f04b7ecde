package io.frameloop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client for tests: records what the server sends, in queues the test polls. */
public final class FrameClient implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final BlockingQueue<Buffer> binary = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> json = new LinkedBlockingQueue<>();
  private final JsonObject hello;
  private volatile Short closeStatus;
  private volatile String closeReason;

  private FrameClient(Vertx vertx, int port, String path, Map<String, String> headers) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(16 * 1024 * 1024)
      .setMaxMessageSize(16 * 1024 * 1024));
    socket = client.webSocket();
    socket.binaryMessageHandler(binary::add);
    socket.textMessageHandler(text -> json.add(new JsonObject(text)));
    socket.closeHandler(v -> {
      closeStatus = socket.closeStatusCode();
      closeReason = socket.closeReason();
    });
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setPort(port).setHost("127.0.0.1").setURI(path);
    headers.forEach(connect::addHeader);
    try {
      Await.await(socket.connect(connect));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    hello = next("hello");
  }

  public static FrameClient connect(Vertx vertx, int port) {
    return new FrameClient(vertx, port, "/frames", Map.of());
  }

  public static FrameClient connect(Vertx vertx, int port, String path) {
    return new FrameClient(vertx, port, path, Map.of());
  }

  public static FrameClient connect(Vertx vertx, int port, Map<String, String> headers) {
    return new FrameClient(vertx, port, "/frames", headers);
  }

  /** Waits until the server closes the connection. */
  public void awaitClosed() {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (closeStatus == null && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertThat(closeStatus).as("connection closed within " + TIMEOUT).isNotNull();
  }

  public JsonObject hello() {
    return hello;
  }

  public void sendFramed(long sequence, long timestamp, Buffer jpeg) {
    socket.writeBinaryMessage(FrameFormat.encode(new FrameHeader(sequence, timestamp), jpeg));
  }

  public void sendBinary(Buffer message) {
    socket.writeBinaryMessage(message);
  }

  public void sendJson(JsonObject message) {
    socket.writeTextMessage(message.encode());
  }

  public void sendText(String message) {
    socket.writeTextMessage(message);
  }

  /** Sends a pipeline and returns the server's answer: the normalized pipeline or an error. */
  public JsonObject setPipeline(JsonObject pipeline) {
    sendJson(pipeline.copy().put("type", "pipeline"));
    return nextOf("pipeline", "error");
  }

  /** The next binary message. */
  public Buffer nextBinary() {
    return poll(binary, "a binary reply");
  }

  public Buffer pollBinary(Duration timeout) {
    try {
      return binary.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next JSON message of one of these types; others (e.g. periodic stats) are skipped. */
  public JsonObject nextOf(String... types) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject message = pollJson(Duration.ofNanos(deadline - System.nanoTime()));
      if (message != null && java.util.List.of(types).contains(message.getString("type"))) {
        return message;
      }
    }
    throw new AssertionError("no message of type " + String.join("/", types) + " within " + TIMEOUT);
  }

  /** The next {@code stats} message that satisfies {@code condition} (earlier ones are skipped). */
  public JsonObject nextStats(java.util.function.Predicate<JsonObject> condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject stats = next("stats");
      if (condition.test(stats)) {
        return stats;
      }
    }
    throw new AssertionError("no stats message as expected within " + TIMEOUT);
  }

  public JsonObject next(String type) {
    return nextOf(type);
  }

  /** The next JSON message of this type within the timeout (others are skipped), or null. */
  public JsonObject pollJson(String type, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      JsonObject message = pollJson(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      if (message != null && type.equals(message.getString("type"))) {
        return message;
      }
    } while (System.nanoTime() < deadline);
    return null;
  }

  private JsonObject pollJson(Duration timeout) {
    try {
      return json.poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static <T> T poll(BlockingQueue<T> queue, String what) {
    try {
      T value = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(value).as(what + " within " + TIMEOUT).isNotNull();
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public int pendingBinary() {
    return binary.size();
  }

  public boolean isClosed() {
    return socket.isClosed();
  }

  public Short closeStatus() {
    return closeStatus;
  }

  public String closeReason() {
    return closeReason;
  }

  @Override
  public void close() {
    Await.await(socket.close());
    client.close();
  }
}
