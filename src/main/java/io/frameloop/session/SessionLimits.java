package io.frameloop.session;

import java.util.concurrent.TimeUnit;

/**
 * The rates and timeouts one session must keep: its own frame rate and its tenant's, pings, and
 * the idle timeout. Used on the session's event loop.
 */
final class SessionLimits {

  private final RateLimiter frames;
  private final RateLimiter tenantFrames;
  private final RateLimiter pings;
  private final long idleNanos;
  private long lastMessageNanos = System.nanoTime();

  SessionLimits(SessionOptions options, SessionGrant grant) {
    this.frames = new RateLimiter(options.getMaxFps());
    this.tenantFrames = grant.tenantFrames();
    this.pings = new RateLimiter(options.getMaxPingsPerSecond());
    this.idleNanos = TimeUnit.SECONDS.toNanos(options.getIdleTimeoutSeconds());
  }

  /** A message arrived (any message keeps the session from idling); returns the time. */
  long messageArrived() {
    lastMessageNanos = System.nanoTime();
    return lastMessageNanos;
  }

  /** The session's own rate first, so that a session over it does not spend its tenant's quota. */
  boolean frameAllowed(long nowNanos) {
    return frames.tryAcquire(nowNanos) && tenantFrames.tryAcquire(nowNanos);
  }

  boolean pingAllowed() {
    return pings.tryAcquire(System.nanoTime());
  }

  boolean idle(long nowNanos) {
    return idleNanos > 0 && nowNanos - lastMessageNanos > idleNanos;
  }
}
