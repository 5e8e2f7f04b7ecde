package io.frameloop.auth;

import io.frameloop.protocol.FrameFormat;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Finds a session's bearer token in a WebSocket handshake: the {@code Authorization} header
 * (non-browser clients), a {@code bearer.<token>} entry of the subprotocol list (browsers, which
 * cannot set headers on a WebSocket), or the {@code access_token} query parameter, when allowed
 * (the WebSocket keeps its request URI, and with it the token, for the session's life).
 */
final class BearerToken {

  static final String SUBPROTOCOL_PREFIX = "bearer.";
  /** Longer than any sensible JWT; the HTTP header limit (8 KiB by default) bounds it too. */
  static final int MAX_TOKEN_CHARS = 8192;
  static final String QUERY_PARAMETER = "access_token";
  static final String QUERY_REFUSED = "a token in the query (" + QUERY_PARAMETER + "=) is refused: the connection would keep it"
    + " in the server's memory for the session's life; send it as Authorization: Bearer <token> or as the subprotocol"
    + " bearer.<token> next to " + FrameFormat.SUBPROTOCOL + " (or set allowQueryToken on the server)";

  private BearerToken() {
  }

  /**
   * @param allowQuery whether the {@code access_token} query parameter counts; if not, a handshake
   *                   with one is refused, wherever else it carries a token (the URI is kept all the same)
   * @return the token, or {@code null} when the handshake carries none
   */
  static String find(MultiMap headers, String uri, boolean allowQuery) {
    List<String> query = new QueryStringDecoder(uri == null ? "" : uri).parameters().get(QUERY_PARAMETER);
    if (query != null && !allowQuery) {
      throw AuthFailure.invalid(QUERY_REFUSED);
    }
    String authorization = fromAuthorization(headers.get(HttpHeaders.AUTHORIZATION));
    // Another scheme (e.g. Basic for a proxy in front) is not ours: look in the other two places.
    if (authorization != null) {
      return bounded(authorization);
    }
    String protocols = headers.get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      String token = null;
      boolean frameloop = false;
      for (String protocol : protocols.split(",")) {
        String entry = protocol.trim();
        if (entry.toLowerCase(Locale.ROOT).startsWith(SUBPROTOCOL_PREFIX)) {
          token = entry.substring(SUBPROTOCOL_PREFIX.length());
        }
        frameloop |= entry.equals(FrameFormat.SUBPROTOCOL);
      }
      if (token != null && !frameloop) {
        // Without a subprotocol the server selects, the handshake would fail anyway, and the
        // WebSocket library would log the list it could not match: the token with it.
        throw AuthFailure.invalid("a bearer.<token> subprotocol needs " + FrameFormat.SUBPROTOCOL + " next to it");
      }
      if (token != null) {
        return bounded(token);
      }
    }
    return query == null || query.isEmpty() ? null : bounded(query.get(0));
  }

  /** The credentials of an {@code Authorization: Bearer <token>} header; null for none or another scheme. */
  static String fromAuthorization(String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
  }

  private static String bounded(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw AuthFailure.invalid("malformed token");
    }
    return token;
  }
}
