package io.frameloop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.client.FrameLoopClient;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.InboundFrame;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
  /** Every message's kind in arrival order: {@code binary} or the JSON message's type. */
  private final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
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
    // The protocol as it is: a goaway is recorded, not acted on (FrameLoopClientTest tests the moves).
    connection = FrameLoopClient.create(client).movesOnRestart(false)
      .frameHandler(frame -> {
        arrivals.add("binary");
        binary.add(frame.header() == null ? frame.payload() : FrameFormat.encode(frame.header(), frame.kind(), frame.payload()));
      })
      .messageHandler(message -> {
        arrivals.add(String.valueOf(message.getString("type")));
        json.add(message);
      })
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
    Wait.until("the server to close the connection", TIMEOUT, () -> connection.closeStatusCode() != null);
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
    List<String> wanted = List.of(types);
    return Wait.take("a message of type " + String.join("/", types), json, TIMEOUT,
      message -> wanted.contains(message.getString("type")));
  }

  /** The next {@code stats} message that satisfies {@code condition} (earlier ones are skipped). */
  public JsonObject nextStats(Predicate<JsonObject> condition) {
    return Wait.take("a stats message as expected", json, TIMEOUT,
      message -> "stats".equals(message.getString("type")) && condition.test(message));
  }

  /** The next {@code stats} message that has seen {@code framesIn} frames and has none pending. */
  public JsonObject quietStats(long framesIn) {
    return nextStats(stats -> stats.getLong("in") == framesIn && stats.getInteger("pending") == 0);
  }

  public JsonObject next(String type) {
    return nextOf(type);
  }

  /** The next JSON message of this type within the timeout (others are skipped), or null. */
  public JsonObject pollJson(String type, Duration timeout) {
    return Wait.poll(json, timeout, message -> type.equals(message.getString("type"))).orElse(null);
  }

  /**
   * Waits for the answer to frame {@code sequence}: true for the processed frame (its reply
   * decodes), false for a {@code bad_frame} error naming it. {@code label} names the frame in a failure.
   */
  public boolean awaitAnswer(long sequence, String label) {
    return Wait.forValue("an answer for " + label, TIMEOUT, Duration.ZERO, () -> {
      Buffer binary = pollBinary(Duration.ofMillis(5));
      if (binary != null) {
        InboundFrame reply = FrameFormat.decode(binary);
        assertThat(reply.header().sequence()).as(label).isEqualTo(sequence);
        Images.decode(reply.jpeg()).release();
        return true;
      }
      JsonObject error = pollJson("error", Duration.ofMillis(5));
      if (error != null) {
        assertThat(error.getString("code")).as(label).isEqualTo("bad_frame");
        assertThat(error.getLong("seq")).as(label + ": " + error.getString("message")).isEqualTo(sequence);
        return false;
      }
      return null;
    });
  }

  /** The kinds of the messages received so far, in arrival order ({@code binary} or a JSON type), {@code stats} left out; taken off the log. */
  public List<String> arrivals() {
    List<String> kinds = new ArrayList<>();
    arrivals.drainTo(kinds);
    kinds.removeIf("stats"::equals);
    return kinds;
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
