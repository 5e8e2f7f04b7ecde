package io.frameloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Host names served: loopback, addresses, the bound host, the configured ones; nothing else. */
class HostPolicyTest {

  @Test
  void theBoundHostIsServedBesideLoopbackAndAddresses() {
    HostPolicy policy = new HostPolicy(List.of(), "Frames.Internal");
    assertThat(policy.allows("frames.internal:8080")).isTrue();
    assertThat(policy.allows("frames.internal.")).isTrue();
    assertThat(policy.allows("localhost")).isTrue();
    assertThat(policy.allows("[::1]:8080")).isTrue();
    assertThat(policy.allows("[fe80::1%25eth0]")).as("a zone id is no plain address").isFalse();
    assertThat(policy.allows("10.0.0.7:8080")).isTrue();
    assertThat(policy.allows(null)).as("no Host: not a browser").isTrue();
    assertThat(policy.allows("evil.example")).isFalse();
    assertThat(policy.allows("internal")).isFalse();
    assertThat(policy.allows("")).isFalse();
    assertThat(policy.allows("[::1")).as("an unclosed bracket").isFalse();
    assertThat(policy.allows("1.2.3.4.evil.example")).isFalse();
  }

  @Test
  void aWildcardListenAddressAddsNoName() {
    HostPolicy policy = new HostPolicy(List.of(".example.org"), "0.0.0.0");
    assertThat(policy.allows("example.org")).isTrue();
    assertThat(policy.allows("a.b.example.org:1")).isTrue();
    assertThat(policy.allows("badexample.org")).isFalse();
    assertThat(policy.allows("0.0.0.0")).isTrue();
  }
}
