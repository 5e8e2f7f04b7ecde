package io.frameloop.auth;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Finds a session's bearer token in a WebSocket handshake: the {@code Authorization} header
 * (non-browser clients), a {@code bearer.<token>} entry of the subprotocol list (browsers, which
 * cannot set headers on a WebSocket), or the {@code access_token} query parameter.
 */
final class BearerToken {

  static final String SUBPROTOCOL_PREFIX = "bearer.";
  /** Longer than any sensible JWT; the HTTP header limit (8 KiB by default) bounds it too. */
  static final int MAX_TOKEN_CHARS = 8192;

  private BearerToken() {
  }

  /** @return the token, or {@code null} when the handshake carries none */
  static String find(MultiMap headers, String uri) {
    String authorization = headers.get(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw AuthFailure.invalid("the Authorization header is not a Bearer token");
      }
      return bounded(authorization.substring(7).trim());
    }
    String protocols = headers.get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      for (String protocol : protocols.split(",")) {
        String entry = protocol.trim();
        if (entry.toLowerCase(Locale.ROOT).startsWith(SUBPROTOCOL_PREFIX)) {
          return bounded(entry.substring(SUBPROTOCOL_PREFIX.length()));
        }
      }
    }
    List<String> query = new QueryStringDecoder(uri == null ? "" : uri).parameters().get("access_token");
    return query == null || query.isEmpty() ? null : bounded(query.get(0));
  }

  private static String bounded(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw AuthFailure.invalid("malformed token");
    }
    return token;
  }
}
