package io.frameloop.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses, with HTTP 421 (Misdirected Request), a request whose {@code Host} names a server this
 * is not ({@link HostPolicy}): the defence against DNS rebinding, where a foreign page reaches a
 * server on loopback through a name of its own. Runs before the page, the operations endpoints
 * and the upgrade. Behind a trusted proxy the host checked is the one the browser asked the proxy for.
 */
final class HostCheckHandler implements Handler<RoutingContext> {

  static final int MISDIRECTED = 421;

  private final HostPolicy policy;
  private final TrustedProxies proxies;

  /** @param proxies whose {@code X-Forwarded-Host} (or {@code Forwarded: host=}) is checked instead of Host */
  HostCheckHandler(HostPolicy policy, TrustedProxies proxies) {
    this.policy = policy;
    this.proxies = proxies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (policy.allows(proxies.resolve(ctx.request()).host())) {
      ctx.next();
    } else {
      ctx.response().setStatusCode(MISDIRECTED)
        .end("this server does not answer to the host name in the request: add it to allowedHosts to serve it");
    }
  }
}
