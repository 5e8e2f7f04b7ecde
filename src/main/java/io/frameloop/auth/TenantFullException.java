package io.frameloop.auth;

/** The tenant has {@code maxSessionsPerTenant} sessions open already: answered with 429. */
public final class TenantFullException extends RuntimeException {

  TenantFullException(String tenant, int maxSessions) {
    super("tenant " + tenant + " has " + maxSessions + " sessions open, its limit (maxSessionsPerTenant)", null, false, false);
  }
}
