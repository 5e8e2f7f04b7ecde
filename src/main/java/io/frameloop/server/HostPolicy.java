package io.frameloop.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which names in the {@code Host} header the server answers to: loopback names, IP addresses
 * (a rebinding attack needs a name the attacker controls, never an address), the host the server
 * listens on, and the configured ones ({@code "*"} for any; {@code .example.com} for a name and
 * those under it). A request without a Host header is allowed: browsers always send one, so it
 * comes from a program, which chooses its Host anyway.
 */
final class HostPolicy {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f.]*:[0-9a-f:.]*");

  private final List<String> allowed;
  private final boolean any;

  /** @param boundHost the address or name the server listens on (served too), or null */
  HostPolicy(List<String> allowedHosts, String boundHost) {
    this.any = allowedHosts.contains("*");
    List<String> names = new ArrayList<>(allowedHosts.stream().map(HostPolicy::name).toList());
    if (boundHost != null && !boundHost.isEmpty()) {
      names.add(name(boundHost));
    }
    this.allowed = List.copyOf(names);
  }

  /** @param host the Host header as sent (name, or {@code [v6]}, with or without a port), or null */
  boolean allows(String host) {
    if (host == null || any) {
      return true;
    }
    String name = name(withoutPort(host.trim()));
    if (name.isEmpty()) {
      return false;
    }
    if (name.equals("localhost") || name.endsWith(".localhost") || IPV4.matcher(name).matches()
      || IPV6.matcher(name).matches()) {
      return true;
    }
    for (String entry : allowed) {
      if (entry.equals(name) || (entry.startsWith(".") && (name.endsWith(entry) || name.equals(entry.substring(1))))) {
        return true;
      }
    }
    return false;
  }

  private static String withoutPort(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? "" : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
  }

  /** Lower case, without IPv6 brackets or the trailing dot of a fully qualified name. */
  private static String name(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
