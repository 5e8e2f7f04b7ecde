package io.frameloop.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.nio.charset.StandardCharsets;

/**
 * Turns a WebSocket's frames into messages, as Netty's frame aggregator does, but with the
 * session's limits applied while the fragments arrive (a message over its limit is not buffered
 * further) and with pings made visible, so that a session can bound both. Not thread-safe: one
 * per connection, on its event loop.
 */
public final class MessageAssembler implements Handler<WebSocketFrame> {

  /** What the assembler hands on. */
  public interface Listener {
    /** Any frame arrived (fragments and control frames too), before it is looked at; false drops it. */
    boolean frameArrived();

    /** A message came in more fragments than its limit; the rest of it is dropped as it arrives. */
    void tooManyFragments(int fragments);

    void binaryMessage(Buffer message);

    void textMessage(String message);

    /** A message went over its limit; the rest of it is dropped as it arrives. */
    void oversized(boolean text, long bytesSoFar);

    void ping();
  }

  private final int maxBinaryBytes;
  private final int maxTextBytes;
  private final int maxFragments;
  private final Listener listener;
  private int fragments;
  private Buffer partial;
  private boolean partialIsText;
  private boolean discarding;

  /** @param maxFragments the frames one message may come in */
  public MessageAssembler(int maxBinaryBytes, int maxTextBytes, int maxFragments, Listener listener) {
    this.maxBinaryBytes = maxBinaryBytes;
    this.maxTextBytes = maxTextBytes;
    this.maxFragments = maxFragments;
    this.listener = listener;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (!listener.frameArrived()) {
      return;
    }
    switch (frame.type()) {
      case PING -> listener.ping();
      case TEXT, BINARY -> {
        partial = null;
        discarding = false;
        partialIsText = frame.type() == WebSocketFrameType.TEXT;
        fragments = 1;
        append(frame.binaryData(), frame.isFinal());
      }
      case CONTINUATION -> {
        if (partial != null || discarding) {
          fragments++;
          if (fragments == maxFragments + 1) {
            // Each tiny fragment costs a frame's work: a message in thousands of them is a flood.
            partial = null;
            discarding = !frame.isFinal();
            listener.tooManyFragments(fragments);
            return;
          }
          append(frame.binaryData(), frame.isFinal());
        }
      }
      default -> {
        // PONG and CLOSE: Vert.x handles them.
      }
    }
  }

  private void append(Buffer data, boolean last) {
    if (discarding) {
      discarding = !last;
      return;
    }
    long size = (partial == null ? 0 : partial.length()) + (long) data.length();
    if (size > (partialIsText ? maxTextBytes : maxBinaryBytes)) {
      partial = null;
      discarding = !last;
      listener.oversized(partialIsText, size);
      return;
    }
    if (partial == null && last) {
      deliver(data); // the common case, one frame: no copy
      return;
    }
    partial = partial == null ? Buffer.buffer((int) size).appendBuffer(data) : partial.appendBuffer(data);
    if (last) {
      Buffer message = partial;
      partial = null;
      deliver(message);
    }
  }

  private void deliver(Buffer message) {
    if (partialIsText) {
      listener.textMessage(message.toString(StandardCharsets.UTF_8));
    } else {
      listener.binaryMessage(message);
    }
  }
}
