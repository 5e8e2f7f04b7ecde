package io.frameloop.session;

import java.util.concurrent.TimeUnit;

/**
 * The rates and timeouts one session must keep: its own frame rate and its tenant's, pings,
 * WebSocket frames, text messages, error answers, and the idle timeout. Used on the session's event loop.
 */
final class SessionLimits {

  private final RateLimiter frames;
  private final RateLimiter tenantFrames;
  private final RateLimiter pings;
  private final RateLimiter wsFrames;
  private final RateLimiter textMessages;
  private final RateLimiter errors;
  private final long idleNanos;
  private long lastMessageNanos = System.nanoTime();

  SessionLimits(SessionOptions options, SessionGrant grant) {
    this.frames = new RateLimiter(options.getMaxFps());
    this.tenantFrames = grant.tenantFrames();
    this.pings = new RateLimiter(options.getMaxPingsPerSecond());
    this.wsFrames = new RateLimiter(options.getMaxFramesPerSecond());
    this.textMessages = new RateLimiter(options.getMaxTextMessagesPerSecond());
    this.errors = new RateLimiter(options.getMaxErrorsPerSecond());
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

  /** A WebSocket frame of any kind. */
  boolean wsFrameAllowed() {
    return wsFrames.tryAcquire(System.nanoTime());
  }

  boolean textMessageAllowed() {
    return textMessages.tryAcquire(System.nanoTime());
  }

  /** An error answer about to be sent. */
  boolean errorAllowed() {
    return errors.tryAcquire(System.nanoTime());
  }

  boolean idle(long nowNanos) {
    return idleNanos > 0 && nowNanos - lastMessageNanos > idleNanos;
  }
}
