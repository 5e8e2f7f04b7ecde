package io.frameloop.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The WebSocket close codes (RFC 6455) the server closes sessions with, and when. */
public final class CloseCodes {

  /** A session closed for sending nothing (normal closure, with a reason). */
  public static final short IDLE = 1000;
  /** The server is going away (shutting down). */
  public static final short GOING_AWAY = 1001;
  /** A client that breaks the rules of use: ping floods, never reading (policy violation). */
  public static final short POLICY = 1008;
  /** A message over the size limit (message too big). */
  public static final short TOO_BIG = 1009;
  /** The server is restarting (a drain): reconnect at once, to another node or to this one when it is back. */
  public static final short SERVICE_RESTART = 1012;
  /** Too many sessions, for a socket accepted elsewhere (try again later). */
  public static final short TRY_AGAIN_LATER = 1013;

  /** RFC 6455 §5.5: a close frame's payload is at most 125 bytes, 2 of them the code. */
  public static final int MAX_REASON_BYTES = 123;

  private CloseCodes() {
  }

  /** {@code reason} cut to what a close frame carries, on a character boundary. */
  public static String reason(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return reason;
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.IGNORE);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes, 0, MAX_REASON_BYTES)).toString();
    } catch (CharacterCodingException e) {
      return "";
    }
  }
}
