package io.frameloop.auth;

import io.frameloop.session.RateLimiter;
import io.frameloop.session.SessionGrant;
import io.frameloop.session.SessionListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each tenant's share: at most {@code maxSessionsPerTenant} open sessions and
 * {@code maxFpsPerTenant} frames a second over all of them. A tenant is forgotten a second after
 * its last session closes (when its frame bucket would be full again anyway: reconnecting does
 * not refill it sooner), so the map holds only tenants with sessions open or just closed.
 * Per-tenant meters carry the
 * tenant's name for the first {@value #MAX_TENANT_LABELS} tenants seen and {@code other} after
 * that, so that a token issuer cannot grow the metrics without bound.
 */
public final class TenantQuotas {

  /** Distinct tenant names the metrics carry. */
  public static final int MAX_TENANT_LABELS = 100;
  static final String OTHER = "other";
  private static final int MAX_LABEL_CHARS = 64;

  private final int maxSessions;
  private final int maxFps;
  private final MeterRegistry registry;
  private final SessionListener server;
  private static final long FORGET_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Map<String, Tenant> open = new ConcurrentHashMap<>();
  private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime());
  private final Map<String, TenantMeters> meters = new ConcurrentHashMap<>();

  /** @param server the server-wide listener every session's counts go to as well */
  public TenantQuotas(AuthOptions options, MeterRegistry registry, SessionListener server) {
    this.maxSessions = options.getMaxSessionsPerTenant();
    this.maxFps = options.getMaxFpsPerTenant();
    this.registry = registry;
    this.server = server;
  }

  /**
   * A session for the grant's tenant. The caller calls {@link #release} when it closes.
   *
   * @throws TenantFullException when the tenant has {@code maxSessionsPerTenant} open already
   */
  public SessionGrant admit(TokenAuth.Grant grant) {
    String name = grant.tenant();
    forgetIdleTenants(System.nanoTime());
    AtomicBoolean admitted = new AtomicBoolean();
    Tenant tenant = open.compute(name, (key, current) -> {
      Tenant next = current != null ? current : new Tenant(new AtomicInteger(), new RateLimiter(maxFps), meters(key),
        new AtomicLong());
      if (maxSessions == 0 || next.sessions.get() < maxSessions) {
        next.sessions.incrementAndGet();
        next.meters.sessions().incrementAndGet();
        admitted.set(true);
      }
      return next;
    });
    if (!admitted.get()) {
      tenant.meters.refused().increment();
      throw new TenantFullException(name, maxSessions);
    }
    return new SessionGrant(name, tenant.frames, grant.expiresAtMillis(), tenant.meters.listener(server));
  }

  /** A session of {@code tenant} has closed. */
  public void release(String tenant) {
    open.computeIfPresent(tenant, (key, current) -> {
      if (current.sessions.get() > 0) {
        current.meters.sessions().decrementAndGet();
        if (current.sessions.decrementAndGet() == 0) {
          current.emptySince.set(System.nanoTime());
        }
      }
      return current;
    });
  }

  /** At most once a second: drops the tenants without sessions for over a second. */
  private void forgetIdleTenants(long now) {
    long last = lastSweepNanos.get();
    if (now - last < FORGET_AFTER_NANOS || !lastSweepNanos.compareAndSet(last, now)) {
      return;
    }
    open.keySet().forEach(name -> open.computeIfPresent(name, (key, tenant) ->
      tenant.sessions.get() == 0 && now - tenant.emptySince.get() > FORGET_AFTER_NANOS ? null : tenant));
  }

  /** Tenants remembered: with sessions open, or closed within the last second or so. */
  int tenantsRemembered() {
    return open.size();
  }

  /** The tenant's open sessions. */
  public int sessions(String tenant) {
    Tenant current = open.get(tenant);
    return current == null ? 0 : current.sessions.get();
  }

  private TenantMeters meters(String tenant) {
    String label = tenant.length() > MAX_LABEL_CHARS ? tenant.substring(0, MAX_LABEL_CHARS) : tenant;
    TenantMeters known = meters.get(label);
    if (known != null) {
      return known;
    }
    // Not atomic with the size check: a few labels over the bound under a race, never without bound.
    return meters.computeIfAbsent(meters.size() >= MAX_TENANT_LABELS ? OTHER : label, key -> new TenantMeters(registry, key));
  }

  private record Tenant(AtomicInteger sessions, RateLimiter frames, TenantMeters meters,
                        AtomicLong emptySince) {
  }
}
