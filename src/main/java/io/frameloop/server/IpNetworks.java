package io.frameloop.server;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of IP networks from configuration ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}),
 * matched with Netty's {@link IpSubnetFilterRule}: IP literals only, since a name would need a
 * look-up (and its answer can change).
 */
final class IpNetworks {

  private final List<IpSubnetFilterRule> networks;

  private IpNetworks(List<IpSubnetFilterRule> networks) {
    this.networks = networks;
  }

  /**
   * @param key the configuration key, for the message
   * @throws IllegalArgumentException naming the key and the entry, for one that is no IP address or CIDR
   */
  static IpNetworks parse(String key, List<String> cidrs) {
    List<IpSubnetFilterRule> networks = new ArrayList<>();
    for (String cidr : cidrs) {
      networks.add(network(key, cidr));
    }
    return new IpNetworks(List.copyOf(networks));
  }

  private static IpSubnetFilterRule network(String key, String cidr) {
    String entry = cidr == null ? "" : cidr.trim();
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      throw new IllegalArgumentException(key + ": " + cidr + " is no IP address or CIDR (e.g. 10.0.0.0/8, 127.0.0.1)");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(key + ": " + cidr + " has a prefix length outside 0.." + bits);
      }
    }
    return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
  }

  boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Whether this address (an IP literal; anything else is in none) is in one of the networks. */
  boolean contains(String address) {
    if (address == null || networks.isEmpty()) {
      return false;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      return false;
    }
    InetSocketAddress socket;
    try {
      socket = new InetSocketAddress(InetAddress.getByAddress(bytes), 0);
    } catch (UnknownHostException e) {
      return false; // not thrown for 4 or 16 bytes
    }
    for (IpSubnetFilterRule network : networks) {
      if (network.matches(socket)) {
        return true;
      }
    }
    return false;
  }
}
