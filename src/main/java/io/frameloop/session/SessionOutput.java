package io.frameloop.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Everything a session sends, bounded by its own count of the bytes written and not yet handed to
 * the network ({@code writeQueueMaxBytes}, see {@link OutboundLimits}; the socket's own {@code writeQueueFull} lets 16 more
 * messages through, whatever their size). Processed frames and {@code stats} go out only while
 * that count is under the limit (otherwise frames are dropped as {@code slow_client}); answers to
 * the client's own messages always go out, and a client whose unsent answers alone pass the limit
 * is one that sends without reading: the session reports it to be closed. Touched only on the
 * session's event loop.
 */
final class SessionOutput {

  private final WebSocketBase socket;
  private final long maxQueuedBytes;
  private final long stalledNanos;
  private long queuedBytes;
  private long queuedAnswerBytes;
  private long lastProgressNanos = System.nanoTime();
  private boolean closed;

  SessionOutput(WebSocketBase socket, SessionOptions options) {
    this.socket = socket;
    this.maxQueuedBytes = OutboundLimits.of(options).maxUnsentBytes();
    this.stalledNanos = TimeUnit.SECONDS.toNanos(options.getStalledTimeoutSeconds());
  }

  /**
   * Writes a processed frame's answer: its {@code results} message, then its image, either one
   * null for none; both or neither, since they are one answer. The bytes written, or -1 when the
   * client is behind.
   */
  long frame(JsonObject results, Buffer reply) {
    if (gone() || queuedBytes > maxQueuedBytes) {
      return -1;
    }
    long bytes = 0;
    if (results != null) {
      String text = results.encode();
      int length = utf8Bytes(text); // a label need not be ASCII: bytesOut counts what goes on the wire
      track(length, false);
      socket.writeTextMessage(text).onComplete(written -> done(length, false));
      bytes += length;
    }
    if (reply != null) {
      track(reply.length(), false);
      socket.writeBinaryMessage(reply).onComplete(written -> done(reply.length(), false));
      bytes += reply.length();
    }
    return bytes;
  }

  /** Whether the client is behind: processed frames are dropped (VP8 replies before their encoder). */
  boolean behind() {
    return gone() || queuedBytes > maxQueuedBytes;
  }

  /**
   * Writes a VP8 reply chunk, after its frame's results message if any, whatever the queue: the
   * picture was checked against {@link #behind} before its encoder, and a chunk dropped after it
   * would corrupt the stream. The bytes written.
   */
  long chunk(JsonObject results, Buffer reply) {
    if (gone()) {
      return 0;
    }
    long bytes = 0;
    if (results != null) {
      String text = results.encode();
      track(text.length(), false);
      socket.writeTextMessage(text).onComplete(written -> done(text.length(), false));
      bytes += text.length();
    }
    track(reply.length(), false);
    socket.writeBinaryMessage(reply).onComplete(written -> done(reply.length(), false));
    return bytes + reply.length();
  }

  /** A message only worth sending while the client keeps up ({@code stats}); false when skipped. */
  boolean ifReading(JsonObject message) {
    if (gone() || queuedBytes > maxQueuedBytes) {
      return false;
    }
    String text = message.encode();
    track(text.length(), false);
    socket.writeTextMessage(text).onComplete(written -> done(text.length(), false));
    return true;
  }

  /**
   * An answer the client asked for (hello, pipeline, timings, error); false when its unsent
   * answers are over the limit: a client that sends without reading, to be closed.
   */
  boolean answer(JsonObject message) {
    if (gone()) {
      return true;
    }
    String text = message.encode();
    track(text.length(), true);
    socket.writeTextMessage(text).onComplete(written -> done(text.length(), true));
    return queuedAnswerBytes <= maxQueuedBytes;
  }

  private static int utf8Bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private void track(int bytes, boolean answer) {
    queuedBytes += bytes;
    if (answer) {
      queuedAnswerBytes += bytes;
    }
  }

  private void done(int bytes, boolean answer) {
    queuedBytes -= bytes;
    if (answer) {
      queuedAnswerBytes -= bytes;
    }
    lastProgressNanos = System.nanoTime();
  }

  /** Bytes written and not yet handed to the network. */
  long unsentBytes() {
    return queuedBytes;
  }

  /**
   * Whether the client has taken nothing for longer than {@code stalledTimeoutSeconds} while
   * something waited for it: a client that reads slowly makes progress and is not stalled.
   */
  boolean stalled(long nowNanos) {
    if (gone() || queuedBytes == 0) {
      lastProgressNanos = nowNanos;
      return false;
    }
    return nowNanos - lastProgressNanos > stalledNanos;
  }

  void close() {
    closed = true;
  }

  /**
   * Closed here, or by the peer before the close handler ran (a client that vanishes mid-frame):
   * the socket then refuses even {@code writeQueueFull()}.
   */
  private boolean gone() {
    return closed || socket.isClosed();
  }
}
