package io.frameloop.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The binary wire format, byte by byte: what PROTOCOL.md promises a client. */
class FrameFormatTest {

  private static final Buffer JPEG = Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9});

  /** A framed message as a client writes it, with any version and flags. */
  private static Buffer framed(int version, int flags, long sequence, long timestamp, Buffer payload) {
    return Buffer.buffer().appendByte((byte) 'F').appendByte((byte) 'L').appendByte((byte) version).appendByte((byte) flags)
      .appendUnsignedInt(sequence).appendLong(timestamp).appendBuffer(payload);
  }

  @Test
  void aFramedMessageIsItsHeaderThenTheJpegAsASliceOfTheMessage() {
    Buffer message = framed(1, 0, 4_294_967_295L, -123_456_789_012L, JPEG);
    InboundFrame frame = FrameFormat.decode(message);
    assertThat(frame.header()).isEqualTo(new FrameHeader(4_294_967_295L, -123_456_789_012L));
    assertThat(frame.sequence()).isEqualTo(4_294_967_295L);
    assertThat(frame.jpeg().getBytes()).isEqualTo(JPEG.getBytes());
    // A slice, not a copy: it sees the message's bytes.
    message.setByte(FrameFormat.HEADER_LENGTH + 2, (byte) 42);
    assertThat(frame.jpeg().getByte(2)).isEqualTo((byte) 42);
  }

  @Test
  void aBareJpegHasNoHeaderAndIsTheWholeMessage() {
    InboundFrame frame = FrameFormat.decode(JPEG);
    assertThat(frame.header()).isNull();
    assertThat(frame.sequence()).isEqualTo(-1);
    assertThat(frame.jpeg()).isSameAs(JPEG);
    assertThat(FrameFormat.decode(Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8})).jpeg().length()).isEqualTo(2);
  }

  @Test
  void anEmptyMessageIsRefused() {
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer()))
      .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.header()).isNull())
      .hasMessageStartingWith("empty binary message");
  }

  @Test
  void aHeaderShorterThanSixteenBytesIsTruncated() {
    Buffer fifteen = framed(1, 0, 7, 0, Buffer.buffer()).getBuffer(0, 15);
    assertThatThrownBy(() -> FrameFormat.decode(fifteen))
      .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.header()).isNull())
      .hasMessage("truncated header: 15 bytes, a framed message needs 16 header bytes");
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer("FL"))).hasMessageContaining("truncated header: 2 bytes");
  }

  @Test
  void aWrongVersionOrFlagsAreRefusedNamingTheSequence() {
    assertThatThrownBy(() -> FrameFormat.decode(framed(2, 0, 9, 5, JPEG)))
      .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.header()).isEqualTo(new FrameHeader(9, 5)))
      .hasMessage("unsupported protocol version 2 (this server speaks version 1)");
    assertThatThrownBy(() -> FrameFormat.decode(framed(0, 0, 9, 5, JPEG))).hasMessageContaining("version 0");
    assertThatThrownBy(() -> FrameFormat.decode(framed(1, 0x80, 10, 5, JPEG)))
      .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.header().sequence()).isEqualTo(10))
      .hasMessage("unsupported header flags 0x80 (version 1 defines 0x01 video and 0x02 key, the latter only with video)");
    assertThatThrownBy(() -> FrameFormat.decode(framed(1, 2, 10, 5, JPEG))).hasMessageContaining("flags 0x2 ");
    assertThatThrownBy(() -> FrameFormat.decode(framed(1, 5, 10, 5, JPEG))).hasMessageContaining("flags 0x5 ");
  }

  @Test
  void theVideoFlagsSayWhatThePayloadIs() {
    Buffer chunk = Buffer.buffer(new byte[] {0x10, 0x02, 0x00});
    assertThat(FrameFormat.decode(framed(1, 0, 1, 5, JPEG)).kind()).isEqualTo(FrameKind.JPEG);
    InboundFrame delta = FrameFormat.decode(framed(1, 1, 2, 5, chunk));
    assertThat(delta.kind()).isEqualTo(FrameKind.VIDEO_DELTA);
    assertThat(delta.payload()).isEqualTo(chunk);
    assertThat(FrameFormat.decode(framed(1, 3, 3, 5, chunk)).kind()).isEqualTo(FrameKind.VIDEO_KEY);
    assertThatThrownBy(delta::jpeg).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> FrameFormat.decode(framed(1, 3, 4, 5, Buffer.buffer())))
      .hasMessage("header without payload: the video chunk's bytes are missing");
    // A reply of a kind writes its flags.
    assertThat(FrameFormat.decode(FrameFormat.encode(new FrameHeader(7, 8), FrameKind.VIDEO_KEY, chunk)).kind())
      .isEqualTo(FrameKind.VIDEO_KEY);
  }

  @Test
  void aHeaderWithoutPayloadIsRefusedNamingTheSequence() {
    assertThatThrownBy(() -> FrameFormat.decode(framed(1, 0, 11, 0, Buffer.buffer())))
      .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.header().sequence()).isEqualTo(11))
      .hasMessage("header without payload: the JPEG bytes are missing");
    // One payload byte is a payload (what it is, the worker judges).
    assertThat(FrameFormat.decode(framed(1, 0, 12, 0, Buffer.buffer(new byte[] {1}))).jpeg().length()).isEqualTo(1);
  }

  @Test
  void anythingElseIsNotAFrameAndTheErrorShowsItsFirstFourBytes() {
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10})))
      .isInstanceOfSatisfying(FrameFormatException.class, e -> assertThat(e.header()).isNull())
      .hasMessageEndingWith("got 89 50 4E 47");
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer(new byte[] {(byte) 0xFF}))).hasMessageEndingWith("got FF");
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer(new byte[] {'F'}))).hasMessageEndingWith("got 46");
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer(new byte[] {'F', 'X', 1}))).hasMessageEndingWith("got 46 58 01");
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD9}))).hasMessageEndingWith("got FF D9");
    assertThatThrownBy(() -> FrameFormat.decode(Buffer.buffer(new byte[] {'X', 'L'}))).hasMessageContaining("not a frame");
  }

  @Test
  void encodingWritesTheHeaderBigEndianThenThePayload() {
    Buffer encoded = FrameFormat.encode(new FrameHeader(0x01020304L, 0x0A0B0C0D0E0F1011L), JPEG);
    assertThat(encoded.getBuffer(0, 16).getBytes()).isEqualTo(new byte[] {
      'F', 'L', 1, 0, 1, 2, 3, 4, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11});
    assertThat(encoded.getBuffer(16, encoded.length()).getBytes()).isEqualTo(JPEG.getBytes());
    assertThat(FrameFormat.encode(new FrameHeader(4_294_967_295L, -1), JPEG).getBuffer(4, 16).getBytes())
      .containsOnly((byte) 0xFF);
  }

  @Test
  void aReplyHasTheRequestsFormAndDecodesBackToItsHeader() {
    assertThat(FrameFormat.encodeReply(null, JPEG)).isSameAs(JPEG);
    FrameHeader header = new FrameHeader(77, 1_700_000_000_000L);
    InboundFrame back = FrameFormat.decode(FrameFormat.encodeReply(header, JPEG));
    assertThat(back.header()).isEqualTo(header);
    assertThat(back.jpeg().getBytes()).isEqualTo(JPEG.getBytes());
  }
}
