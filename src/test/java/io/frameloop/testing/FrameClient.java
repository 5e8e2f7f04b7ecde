package io.frameloop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.client.FrameLoopClient;
import io.frameloop.protocol.FrameFormat;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blocking {@link FrameLoopClient} for tests: records what the server sends, in queues the test
 * polls, and waits (at most {@link #TIMEOUT}) for what the test expects.
 */
public final class FrameClient implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final WebSocketClient client;
  private final FrameLoopClient connection;
  private final BlockingQueue<Buffer> binary = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> json = new LinkedBlockingQueue<>();
  private final JsonObject hello;
  /** What the client could not take from the server (e.g. a binary message that is no frame). */
  private volatile Throwable failure;

  private FrameClient(Vertx vertx, int port, String path, Map<String, String> headers) {
    this(vertx, port, path, headers, new WebSocketClientOptions());
  }

  private FrameClient(Vertx vertx, int port, String path, Map<String, String> headers, WebSocketClientOptions options) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions(options)
      .setMaxFrameSize(16 * 1024 * 1024)
      .setMaxMessageSize(16 * 1024 * 1024));
    // Replies are queued as the server sent them: decoding checked every header field, so the
    // re-encoded message is byte for byte the one received.
    connection = FrameLoopClient.create(client)
      .frameHandler(frame -> binary.add(FrameFormat.encodeReply(frame.header(), frame.jpeg())))
      .messageHandler(json::add)
      .exceptionHandler(e -> failure = e);
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setPort(port).setHost("127.0.0.1").setURI(path)
      .setSsl(options.isSsl());
    headers.forEach(connect::addHeader);
    try {
      Await.await(connection.connect(connect));
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

  public static FrameClient connect(Vertx vertx, int port, String path, Map<String, String> headers) {
    return new FrameClient(vertx, port, path, headers);
  }

  public static FrameClient connect(Vertx vertx, int port, Map<String, String> headers) {
    return new FrameClient(vertx, port, "/frames", headers);
  }

  /** With a client of these options, e.g. {@code wss://} with {@code setSsl(true)} and the server's certificate trusted. */
  public static FrameClient connect(Vertx vertx, int port, WebSocketClientOptions options) {
    return new FrameClient(vertx, port, "/frames", Map.of(), options);
  }

  /** Waits until the server closes the connection. */
  public void awaitClosed() {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (connection.closeStatusCode() == null && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertThat(connection.closeStatusCode()).as("connection closed within " + TIMEOUT).isNotNull();
  }

  public JsonObject hello() {
    return hello;
  }

  public void sendFramed(long sequence, long timestamp, Buffer jpeg) {
    connection.sendFrame(sequence, timestamp, jpeg);
  }

  public void sendBinary(Buffer message) {
    connection.sendBinary(message);
  }

  public void sendJson(JsonObject message) {
    connection.sendText(message.encode());
  }

  public void sendText(String message) {
    connection.sendText(message);
  }

  /** Sends a pipeline and returns the server's answer: the normalized pipeline or an error. */
  public JsonObject setPipeline(JsonObject pipeline) {
    connection.sendPipeline(pipeline);
    return nextOf("pipeline", "error");
  }

  /**
   * Sends a pipeline the test relies on and checks the server took it: an unavailable op or a
   * bad parameter must not silently leave the session on its old pipeline.
   */
  public JsonObject usePipeline(JsonObject pipeline) {
    JsonObject answer = setPipeline(pipeline);
    assertThat(answer.getString("type")).as("answer to %s: %s", pipeline.encode(), answer.encode()).isEqualTo("pipeline");
    return answer;
  }

  /** The next binary message. */
  public Buffer nextBinary() {
    Buffer reply = pollBinary(TIMEOUT);
    assertThat(reply).as(() -> "a binary reply within " + TIMEOUT + (failure == null ? "" : " (the client failed: " + failure + ")"))
      .isNotNull();
    return reply;
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

  public int pendingBinary() {
    return binary.size();
  }

  public boolean isClosed() {
    return connection.isClosed();
  }

  public Short closeStatus() {
    return connection.closeStatusCode();
  }

  public String closeReason() {
    return connection.closeReason();
  }

  @Override
  public void close() {
    Await.await(connection.close());
    client.close();
  }
}
