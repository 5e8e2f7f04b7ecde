package io.frameloop.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Everything a session sends, bounded. Processed frames go out only while the client reads
 * (otherwise they are dropped as {@code slow_client}); {@code stats} are skipped then; answers to
 * the client's own messages always go out, but when they pile up past the write queue's size the
 * session stops reading until they drain, so a client that sends without reading slows itself
 * down, not the server. Touched only on the session's event loop.
 */
final class SessionOutput {

  private final WebSocketBase socket;
  private final int maxQueuedControlBytes;
  private final long stalledNanos;
  private long queuedControlBytes;
  private boolean readingPaused;
  private long fullSinceNanos = -1;
  private boolean closed;

  SessionOutput(WebSocketBase socket, SessionOptions options) {
    this.socket = socket;
    this.maxQueuedControlBytes = options.getWriteQueueMaxBytes();
    this.stalledNanos = TimeUnit.SECONDS.toNanos(options.getStalledTimeoutSeconds());
  }

  /** Writes a processed frame, unless the client is not reading: then false. */
  boolean frame(Buffer reply) {
    if (gone() || socket.writeQueueFull()) {
      return false;
    }
    socket.writeBinaryMessage(reply);
    return true;
  }

  /** An answer the client asked for (hello, pipeline, timings, error). */
  void answer(JsonObject message) {
    if (gone()) {
      return;
    }
    String text = message.encode();
    queuedControlBytes += text.length();
    socket.writeTextMessage(text).onComplete(written -> queuedControlBytes -= text.length());
    if (queuedControlBytes > maxQueuedControlBytes && !readingPaused) {
      readingPaused = true;
      socket.pause();
      socket.drainHandler(v -> resume());
    }
  }

  private void resume() {
    if (readingPaused && !closed) {
      readingPaused = false;
      socket.resume();
    }
  }

  /** A message only worth sending while the client reads ({@code stats}); false when skipped. */
  boolean ifReading(JsonObject message) {
    if (gone() || socket.writeQueueFull()) {
      return false;
    }
    socket.writeTextMessage(message.encode());
    return true;
  }

  /**
   * Whether the client has read nothing for longer than {@code stalledTimeoutSeconds}: the
   * outbound queue stayed full, or reading stayed paused because the answers did not drain.
   */
  boolean stalled(long nowNanos) {
    if (gone() || !(socket.writeQueueFull() || readingPaused)) {
      fullSinceNanos = -1;
      return false;
    }
    if (fullSinceNanos < 0) {
      fullSinceNanos = nowNanos;
    }
    return nowNanos - fullSinceNanos > stalledNanos;
  }

  /**
   * Sends nothing more, and reads again if reading was paused: the closing handshake needs the
   * client's close frame, which may sit behind what it sent.
   */
  void close() {
    closed = true;
    if (readingPaused && !socket.isClosed()) {
      readingPaused = false;
      socket.resume();
    }
  }

  /**
   * Closed here, or by the peer before the close handler ran (a client that vanishes mid-frame):
   * the socket then refuses even {@code writeQueueFull()}.
   */
  private boolean gone() {
    return closed || socket.isClosed();
  }
}
