package io.frameloop.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * A decoded binary message.
 *
 * @param header  the framed form's header, or {@code null} for a bare JPEG
 * @param payload the bytes after the header: a JPEG or a video chunk (a slice of the received message)
 * @param kind    what the payload is, from the header's flags
 */
public record InboundFrame(FrameHeader header, Buffer payload, FrameKind kind) {

  /** A JPEG frame. */
  public InboundFrame(FrameHeader header, Buffer jpeg) {
    this(header, jpeg, FrameKind.JPEG);
  }

  /** The JPEG bytes of a JPEG frame. */
  public Buffer jpeg() {
    if (kind.video()) {
      throw new IllegalStateException("a video chunk, not a JPEG");
    }
    return payload;
  }

  /** The sequence number used in error messages: the header's, or -1 for a bare frame. */
  public long sequence() {
    return header == null ? -1 : header.sequence();
  }
}
