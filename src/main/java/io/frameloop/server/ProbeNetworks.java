package io.frameloop.server;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The networks whose peers may read the probes ({@code livenessPath}, {@code readinessPath})
 * without the management token: a list of CIDRs such as {@code 10.0.0.0/8} or {@code fd00::/8}
 * (an address alone is its own /32 or /128). Only address literals: a host name would need a
 * lookup, and would trust whatever the name points at tomorrow.
 */
final class ProbeNetworks {

  private final List<IpSubnetFilterRule> networks;

  private ProbeNetworks(List<IpSubnetFilterRule> networks) {
    this.networks = networks;
  }

  /** @throws IllegalArgumentException naming {@code key} and the entry that is no CIDR */
  static ProbeNetworks parse(String key, List<String> cidrs) {
    return new ProbeNetworks(cidrs.stream().map(cidr -> rule(key, cidr)).toList());
  }

  private static IpSubnetFilterRule rule(String key, String cidr) {
    String text = cidr == null ? "" : cidr.trim();
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(address);
    if (literal == null) {
      throw new IllegalArgumentException(key + " must list CIDRs of IP addresses (e.g. 10.0.0.0/8), got " + cidr);
    }
    int maxPrefix = literal.getAddress().length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? maxPrefix : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > maxPrefix) {
      throw new IllegalArgumentException(key + ": the prefix of " + cidr + " must be between 0 and " + maxPrefix);
    }
    return new IpSubnetFilterRule(literal, prefix, IpFilterRuleType.ACCEPT);
  }

  boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Whether the peer's address is in one of the networks (the connection's own peer: no forwarded header). */
  boolean contains(SocketAddress peer) {
    if (peer == null || peer.hostAddress() == null) {
      return false;
    }
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(peer.hostAddress());
    if (address == null) {
      return false;
    }
    InetSocketAddress socketAddress = new InetSocketAddress(address, Math.max(0, peer.port()));
    return networks.stream().anyMatch(network -> network.matches(socketAddress));
  }
}
