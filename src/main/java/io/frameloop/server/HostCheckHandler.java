package io.frameloop.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses, with HTTP 421 (Misdirected Request), a request whose {@code Host} names a server this
 * is not ({@link HostPolicy}): the defence against DNS rebinding, where a foreign page reaches a
 * server on loopback through a name of its own. Runs before the page, the operations endpoints
 * and the upgrade.
 */
final class HostCheckHandler implements Handler<RoutingContext> {

  static final int MISDIRECTED = 421;

  private final HostPolicy policy;

  HostCheckHandler(HostPolicy policy) {
    this.policy = policy;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (policy.allows(host(ctx.request()))) {
      ctx.next();
    } else {
      ctx.response().setStatusCode(MISDIRECTED)
        .end("this server does not answer to the host name in the request: add it to allowedHosts to serve it");
    }
  }

  /** The Host header, or HTTP/2's authority. */
  static String host(HttpServerRequest request) {
    String host = request.getHeader(HttpHeaders.HOST);
    return host != null || request.authority() == null ? host : request.authority().toString();
  }
}
