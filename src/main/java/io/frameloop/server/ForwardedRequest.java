package io.frameloop.server;

/**
 * A request as its client made it, through the trusted proxies in front ({@link TrustedProxies}).
 *
 * @param client    the client's address: the peer's, or the forwarded one when the peer is a trusted proxy
 * @param peer      the address of the connection's other end (the proxy, behind one)
 * @param scheme    {@code http} or {@code https}, as the client used it
 * @param host      the Host the client asked for (name and port as sent), or null
 * @param forwarded whether a trusted proxy's headers gave these
 * @param forwardedScheme the scheme a trusted proxy named ({@code X-Forwarded-Proto}, {@code proto=}), or null
 */
record ForwardedRequest(String client, String peer, String scheme, String host, boolean forwarded, String forwardedScheme) {

  /** The client, and the proxy it came through: for logs. */
  String describe() {
    return forwarded ? client + " (via " + peer + ")" : String.valueOf(client);
  }
}
