package io.frameloop.server;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser pages may open a WebSocket: the page's own origin always; the configured origins
 * ({@code "*"} for any; an entry without a port matches every port of that scheme and host).
 * A request without an Origin header comes from a non-browser client and is allowed: the check
 * protects users' browsers from other sites, not the server from programs.
 */
final class OriginPolicy {

  private final List<String> allowed;

  OriginPolicy(List<String> allowed) {
    this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * @param scheme the scheme the page was served with when a trusted proxy says so (the page's own
   *               origin must have it then), or null: any
   * @param host   the Host the browser asked for (the proxy's, behind a trusted one)
   */
  boolean allows(String origin, String scheme, String host) {
    if (origin == null || allowed.contains("*")) {
      return true;
    }
    URI uri;
    try {
      uri = new URI(origin.toLowerCase(Locale.ROOT));
    } catch (Exception e) {
      return false;
    }
    if (uri.getHost() == null) {
      return false; // "null" origins (sandboxed frames, files)
    }
    if (host != null && uri.getAuthority().equals(host.toLowerCase(Locale.ROOT))
      && (scheme == null || scheme.equalsIgnoreCase(uri.getScheme()))) {
      return true;
    }
    String withoutPort = uri.getScheme() + "://" + uri.getHost();
    return allowed.contains(uri.getScheme() + "://" + uri.getAuthority()) || allowed.contains(withoutPort);
  }
}
