package io.frameloop.protocol;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The binary wire format of protocol v1.
 *
 * <p>A binary WebSocket message is one frame, in one of two forms:
 * <ul>
 *   <li>framed: a 16-byte big-endian header ({@code "FL"}, version 1, flags, u32 sequence,
 *       i64 timestamp) followed by the JPEG bytes, or by a video chunk when the flags say so
 *       ({@link FrameKind});</li>
 *   <li>bare: the JPEG bytes alone, recognised by the SOI marker {@code FF D8}.</li>
 * </ul>
 * A reply has the same form as its request: the same header, then the processed JPEG. Whether this
 * server can decode video is the session's business: this class only reads the flags.
 * Decoding slices the payload out of the message; it never copies the JPEG bytes.
 */
public final class FrameFormat {

  /**
   * The WebSocket subprotocol a client may ask for (browsers do, to carry a token as
   * {@code bearer.<token>} next to it); the server then selects it.
   */
  public static final String SUBPROTOCOL = "frameloop.v1";

  public static final int HEADER_LENGTH = 16;
  public static final byte MAGIC_0 = 0x46; // 'F'
  public static final byte MAGIC_1 = 0x4C; // 'L'
  public static final byte VERSION = 1;

  private FrameFormat() {
  }

  /**
   * Splits a binary message into its optional header and its JPEG payload.
   *
   * @throws FrameFormatException naming what is wrong with the message
   */
  public static InboundFrame decode(Buffer message) {
    int length = message.length();
    if (length == 0) {
      throw new FrameFormatException("empty binary message: expected a JPEG or a 16-byte FL header followed by a JPEG");
    }
    if (length >= 2 && message.getUnsignedByte(0) == 0xFF && message.getUnsignedByte(1) == 0xD8) {
      return new InboundFrame(null, message);
    }
    if (length >= 2 && message.getByte(0) == MAGIC_0 && message.getByte(1) == MAGIC_1) {
      if (length < HEADER_LENGTH) {
        throw new FrameFormatException("truncated header: " + length + " bytes, a framed message needs 16 header bytes");
      }
      // Read first, so that even a refused frame's error names its sequence number.
      FrameHeader header = new FrameHeader(message.getUnsignedInt(4), message.getLong(8));
      byte version = message.getByte(2);
      if (version != VERSION) {
        throw new FrameFormatException("unsupported protocol version " + version + " (this server speaks version " + VERSION + ")",
          header);
      }
      FrameKind kind = kind(message.getUnsignedByte(3), header);
      if (length == HEADER_LENGTH) {
        throw new FrameFormatException("header without payload: the " + (kind.video() ? "video chunk's" : "JPEG")
          + " bytes are missing", header);
      }
      return new InboundFrame(header, message.slice(HEADER_LENGTH, length), kind);
    }
    throw new FrameFormatException("not a frame: a binary message must start with the JPEG marker FF D8 or the header magic 46 4C (\"FL\"), got "
      + hexPrefix(message));
  }

  private static FrameKind kind(int flags, FrameHeader header) {
    for (FrameKind kind : FrameKind.values()) {
      if (kind.flags() == flags) {
        return kind;
      }
    }
    throw new FrameFormatException("unsupported header flags 0x" + Integer.toHexString(flags) + " (version 1 defines 0x01 video"
      + " and 0x02 key, the latter only with video)", header);
  }

  /** The reply to a frame: the request's header, if it had one, then the processed JPEG. */
  public static Buffer encodeReply(FrameHeader header, Buffer jpeg) {
    if (header == null) {
      return jpeg;
    }
    return encode(header, jpeg);
  }

  /**
   * A framed message: header, then payload. The payload is not copied: the message is the header
   * and {@code jpeg} side by side (a composite), which the transport writes as they are.
   */
  public static Buffer encode(FrameHeader header, Buffer jpeg) {
    return encode(header, FrameKind.JPEG, jpeg);
  }

  /** A framed message of this kind (a JPEG or a video chunk), the payload not copied. */
  public static Buffer encode(FrameHeader header, FrameKind kind, Buffer jpeg) {
    Buffer head = Buffer.buffer(HEADER_LENGTH).appendByte(MAGIC_0).appendByte(MAGIC_1).appendByte(VERSION)
      .appendByte((byte) kind.flags()).appendUnsignedInt(header.sequence()).appendLong(header.timestamp());
    if (!(jpeg instanceof BufferInternal payload)) {
      return head.appendBuffer(jpeg);
    }
    return BufferInternal.buffer(Unpooled.wrappedBuffer(((BufferInternal) head).getByteBuf(), payload.getByteBuf()));
  }

  private static String hexPrefix(Buffer message) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, message.length()); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02X", message.getUnsignedByte(i)));
    }
    return sb.toString();
  }
}
