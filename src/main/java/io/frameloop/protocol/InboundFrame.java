package io.frameloop.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * A decoded binary message.
 *
 * @param header the framed form's header, or {@code null} for a bare JPEG
 * @param jpeg   the JPEG bytes, a slice of the received message
 */
public record InboundFrame(FrameHeader header, Buffer jpeg) {

  /** The sequence number used in error messages: the header's, or -1 for a bare frame. */
  public long sequence() {
    return header == null ? -1 : header.sequence();
  }
}
