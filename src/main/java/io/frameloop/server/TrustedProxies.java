package io.frameloop.server;

import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The peers whose forwarded headers are believed ({@code trustedProxies}: CIDRs or single
 * addresses), and the request as its client made it through them: {@link #resolve}. Vert.x Web's
 * {@code Router.allowForward} believes every peer; this believes only these, so a client that
 * connects directly cannot name itself anyone else or choose the Host the checks see.
 */
final class TrustedProxies {

  static final TrustedProxies NONE = new TrustedProxies(IpNetworks.parse("trustedProxies", List.of()));
  /** RFC 7239's {@code unknown} and obfuscated identifiers. */
  private static final Pattern OBFUSCATED = Pattern.compile("unknown|_[A-Za-z0-9._-]{1,32}");

  private final IpNetworks networks;

  private TrustedProxies(IpNetworks networks) {
    this.networks = networks;
  }

  /**
   * @param cidrs {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}: IP literals only (a name would need a look-up)
   * @throws IllegalArgumentException naming {@code trustedProxies} and the entry, for anything else
   */
  static TrustedProxies of(List<String> cidrs) {
    IpNetworks networks = IpNetworks.parse("trustedProxies", cidrs);
    return networks.isEmpty() ? NONE : new TrustedProxies(networks);
  }

  boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Whether this address (an IP literal; anything else is not) is a trusted proxy. */
  boolean trusts(String address) {
    return networks.contains(address);
  }

  /** Whether the request names another client or host than its peer, in any of the headers read here. */
  static boolean carriesForwardedHeaders(HttpServerRequest request) {
    MultiMap headers = request.headers();
    return headers.contains("X-Forwarded-For") || headers.contains("Forwarded") || headers.contains("X-Forwarded-Proto")
      || headers.contains("X-Forwarded-Host");
  }

  /**
   * The request as its client made it: the peer, scheme and Host, unless the peer is trusted; then
   * the rightmost address of the forwarded chain that is not a trusted proxy (each trusted proxy
   * vouches for the hop before it, nothing further), and the scheme and host the browser used:
   * the last {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} (the nearest proxy's, which nginx
   * sets); without {@code X-Forwarded-For}, from {@code Forwarded} (RFC 7239), those of the element
   * that named the client.
   */
  ForwardedRequest resolve(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? null : remote.hostAddress();
    String scheme = request.scheme();
    String host = hostHeader(request);
    if (!trusts(peer)) {
      return new ForwardedRequest(peer, peer, scheme, host, false, null);
    }
    MultiMap headers = request.headers();
    List<String> chain = values(headers.getAll("X-Forwarded-For"));
    // Most proxies (nginx among them) set X-Forwarded-For and pass a client's own Forwarded on
    // untouched: with both, Forwarded could be the client's words.
    if (chain.isEmpty() && headers.contains("Forwarded")) {
      return fromForwarded(peer, scheme, host, elements(headers.getAll("Forwarded")));
    }
    String client = peer;
    for (int i = chain.size() - 1; i >= 0 && trusts(client); i--) {
      client = address(chain.get(i));
    }
    String proto = last(values(headers.getAll("X-Forwarded-Proto")));
    String forwardedHost = last(values(headers.getAll("X-Forwarded-Host")));
    return forwarded(client, peer, scheme, host, proto, forwardedHost);
  }

  private ForwardedRequest fromForwarded(String peer, String scheme, String host, List<String> elements) {
    String client = peer;
    String proto = null;
    String forwardedHost = null;
    for (int i = elements.size() - 1; i >= 0 && trusts(client); i--) {
      String element = elements.get(i);
      String by = parameter(element, "for");
      client = by == null ? "unknown" : address(by);
      // What this proxy saw of its client: the scheme and host the next one out was asked for.
      proto = parameter(element, "proto");
      forwardedHost = parameter(element, "host");
    }
    return forwarded(client, peer, scheme, host, proto, forwardedHost);
  }

  private static ForwardedRequest forwarded(String client, String peer, String scheme, String host, String proto,
                                            String forwardedHost) {
    String forwardedScheme = proto == null ? null : proto.toLowerCase(Locale.ROOT);
    return new ForwardedRequest(client, peer, forwardedScheme == null ? scheme : forwardedScheme,
      forwardedHost == null ? host : forwardedHost, true, forwardedScheme);
  }

  /** The Host header, or HTTP/2's authority. */
  static String hostHeader(HttpServerRequest request) {
    String host = request.getHeader(HttpHeaders.HOST);
    return host != null || request.authority() == null ? host : request.authority().toString();
  }

  /** The comma-separated values of every line of a header, trimmed, empty ones left out. */
  private static List<String> values(List<String> lines) {
    List<String> values = new ArrayList<>();
    for (String line : lines) {
      for (String value : line.split(",")) {
        if (!value.isBlank()) {
          values.add(value.trim());
        }
      }
    }
    return values;
  }

  /** RFC 7239 elements: commas outside quoted strings separate them. */
  private static List<String> elements(List<String> lines) {
    List<String> elements = new ArrayList<>();
    for (String line : lines) {
      StringBuilder element = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '"') {
          quoted = !quoted;
        }
        if (c == ',' && !quoted) {
          elements.add(element.toString());
          element.setLength(0);
        } else {
          element.append(c);
        }
      }
      elements.add(element.toString());
    }
    elements.removeIf(String::isBlank);
    return elements;
  }

  /** A parameter of an element ({@code for=192.0.2.60;proto=https}), unquoted, or null. */
  private static String parameter(String element, String name) {
    for (String pair : element.split(";")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase(name)) {
        String value = pair.substring(equals + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  /**
   * The address of a node as forwarded ({@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711});
   * RFC 7239's {@code unknown} and obfuscated names ({@code _hidden}) as they are; anything else, which
   * would go into the logs as sent, {@code invalid}.
   */
  private static String address(String node) {
    String value = node.trim();
    if (value.startsWith("[")) {
      int end = value.indexOf(']');
      value = end < 0 ? value : value.substring(1, end);
    } else {
      int colon = value.indexOf(':');
      value = colon >= 0 && colon == value.lastIndexOf(':') ? value.substring(0, colon) : value;
    }
    return NetUtil.isValidIpV4Address(value) || NetUtil.isValidIpV6Address(value) || OBFUSCATED.matcher(value).matches()
      ? value : "invalid";
  }

  private static String last(List<String> values) {
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }
}
