package io.frameloop.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a request through to the operations endpoints ({@code /metrics}, {@code /health}) only
 * with {@code Authorization: Bearer <managementToken>}; 401 otherwise.
 */
public interface ManagementAuthHandler extends Handler<RoutingContext> {

  String REALM = "frameloop-management";

  static ManagementAuthHandler create(String managementToken) {
    byte[] expected = managementToken.getBytes(StandardCharsets.UTF_8);
    return ctx -> {
      String token = BearerToken.fromAuthorization(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
      byte[] given = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
      // Constant time: the comparison tells an attacker nothing about how much of a guess was right.
      if (given != null && MessageDigest.isEqual(expected, given)) {
        ctx.next();
      } else {
        ctx.response().setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"" + (given == null ? "" : ", error=\"invalid_token\""))
          .end(given == null ? "this endpoint needs Authorization: Bearer <managementToken>" : "wrong management token");
      }
    };
  }
}
