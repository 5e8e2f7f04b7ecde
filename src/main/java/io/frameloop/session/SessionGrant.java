package io.frameloop.session;

/**
 * What a session's credentials allow it: whose it is, the frame rate it shares with the rest of
 * its tenant's sessions, and until when it may stay open.
 *
 * @param tenant          the tenant, or {@code null} for an anonymous session (authentication off)
 * @param tenantFrames    the tenant's frame quota, shared by its sessions
 * @param expiresAtMillis when the session's token expires (epoch milliseconds): the session is
 *                        closed with 1008 then; 0 for never
 * @param listener        hears the session's counts (the server's and the tenant's metrics)
 */
public record SessionGrant(String tenant, RateLimiter tenantFrames, long expiresAtMillis, SessionListener listener) {

  public static SessionGrant anonymous(SessionListener listener) {
    return new SessionGrant(null, RateLimiter.UNLIMITED, 0, listener);
  }
}
