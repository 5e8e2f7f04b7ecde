package io.frameloop.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.session.SessionGrant;
import io.frameloop.session.SessionListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The quota bookkeeping itself: slots given back, tenants forgotten, metric labels bounded. */
class TenantQuotasBookkeepingTest {

  private static TokenAuth.Grant token(String tenant) {
    return new TokenAuth.Grant(tenant, 0);
  }

  @Test
  void slotsAreGivenBackAndEmptyTenantsForgotten() {
    TenantQuotas quotas = new TenantQuotas(new AuthOptions().setMaxSessionsPerTenant(2), new SimpleMeterRegistry(), SessionListener.NONE);
    SessionGrant first = quotas.admit(token("acme"));
    quotas.admit(token("acme"));
    assertThatThrownBy(() -> quotas.admit(token("acme"))).isInstanceOf(TenantFullException.class).hasMessageContaining("acme");
    assertThat(quotas.sessions("acme")).isEqualTo(2);
    quotas.release(first.tenant());
    quotas.admit(token("acme"));
    quotas.release("acme");
    quotas.release("acme");
    assertThat(quotas.sessions("acme")).isZero();
    // Released more often than admitted (a bug elsewhere) must not go below zero or throw.
    quotas.release("acme");
    assertThat(quotas.sessions("acme")).isZero();
  }

  @Test
  void aTenantsSessionsShareOneFrameBucket() {
    TenantQuotas quotas = new TenantQuotas(new AuthOptions().setMaxFpsPerTenant(5), new SimpleMeterRegistry(), SessionListener.NONE);
    SessionGrant a = quotas.admit(token("acme"));
    SessionGrant b = quotas.admit(token("acme"));
    SessionGrant other = quotas.admit(token("globex"));
    assertThat(a.tenantFrames()).isSameAs(b.tenantFrames()).isNotSameAs(other.tenantFrames());
    long now = System.nanoTime();
    int passed = 0;
    for (int i = 0; i < 10; i++) {
      passed += (a.tenantFrames().tryAcquire(now) ? 1 : 0) + (b.tenantFrames().tryAcquire(now) ? 1 : 0);
    }
    assertThat(passed).isEqualTo(5);
  }

  @Test
  void reconnectingDoesNotRefillATenantsFrameBucket() throws Exception {
    TenantQuotas quotas = new TenantQuotas(new AuthOptions().setMaxFpsPerTenant(10), new SimpleMeterRegistry(), SessionListener.NONE);
    long now = System.nanoTime();
    int passed = 0;
    for (int cycle = 0; cycle < 5; cycle++) {
      SessionGrant grant = quotas.admit(token("acme"));
      for (int i = 0; i < 10; i++) {
        passed += grant.tenantFrames().tryAcquire(now) ? 1 : 0;
      }
      quotas.release("acme");
    }
    assertThat(passed).as("one bucket of 10 over five reconnects at the same instant").isEqualTo(10);
    // A tenant without sessions is forgotten after a second (its bucket would be full again anyway).
    Thread.sleep(2100);
    quotas.admit(token("globex"));
    assertThat(quotas.tenantsRemembered()).isEqualTo(1);
  }

  @Test
  void metricLabelsAreBoundedWhateverTheTokensSay() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TenantQuotas quotas = new TenantQuotas(new AuthOptions(), registry, SessionListener.NONE);
    for (int i = 0; i < 500; i++) {
      quotas.release(quotas.admit(token("tenant-" + i + "-" + "x".repeat(200))).tenant());
    }
    long labels = registry.find("frameloop.tenant.sessions").gauges().stream().map(g -> g.getId().getTag("tenant")).distinct().count();
    assertThat(labels).isEqualTo(TenantQuotas.MAX_TENANT_LABELS + 1);
    assertThat(registry.find("frameloop.tenant.sessions").tag("tenant", "other").gauge()).isNotNull();
    assertThat(registry.find("frameloop.tenant.sessions").gauges()).allSatisfy(g -> assertThat(g.getId().getTag("tenant")).hasSizeLessThanOrEqualTo(64));
  }
}
