package io.frameloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which peers {@code trustedProxies} trusts: CIDRs and single addresses, IPv4 and IPv6, never a name. */
class TrustedProxiesTest {

  @Test
  void cidrsAndSingleAddressesOfBothFamiliesTrustExactlyTheirAddresses() {
    TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", " 127.0.0.2/32 "));
    assertThat(proxies.trusts("10.255.3.4")).isTrue();
    assertThat(proxies.trusts("11.0.0.1")).isFalse();
    assertThat(proxies.trusts("192.168.1.7")).isTrue();
    assertThat(proxies.trusts("192.168.1.8")).isFalse();
    assertThat(proxies.trusts("fd12:3456::1")).isTrue();
    assertThat(proxies.trusts("fe80::1")).isFalse();
    assertThat(proxies.trusts("127.0.0.2")).isTrue();
    assertThat(proxies.trusts("127.0.0.1")).isFalse();
    assertThat(proxies.trusts("localhost")).as("a name is never looked up").isFalse();
    assertThat(proxies.trusts("unknown")).isFalse();
    assertThat(proxies.trusts(null)).isFalse();
  }

  @Test
  void noEntriesTrustNobodyAndZeroPrefixesEverybody() {
    assertThat(TrustedProxies.of(List.of()).trusts("127.0.0.1")).isFalse();
    assertThat(TrustedProxies.of(List.of()).isEmpty()).isTrue();
    TrustedProxies all = TrustedProxies.of(List.of("0.0.0.0/0", "::/0"));
    assertThat(all.trusts("203.0.113.9")).isTrue();
    assertThat(all.trusts("2001:db8::1")).isTrue();
  }
}
