package io.frameloop.session;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket: {@code perSecond} frames a second on average, bursts of up to one second's
 * worth. Thread-safe, so that one bucket can be shared by sessions on different event loops (a
 * tenant's quota); uncontended for a session's own.
 */
public final class RateLimiter {

  /** Lets everything through. */
  public static final RateLimiter UNLIMITED = new RateLimiter(0);

  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;
  /** Whether lastNanos holds a time yet (System.nanoTime() may be negative: no sentinel value). */
  private boolean started;

  /** @param perSecond the average rate; 0 means no limit */
  public RateLimiter(int perSecond) {
    this.perNano = perSecond / (double) TimeUnit.SECONDS.toNanos(1);
    this.burst = perSecond;
    this.tokens = perSecond;
  }

  public synchronized boolean tryAcquire(long nowNanos) {
    if (burst == 0) {
      return true;
    }
    if (!started) {
      started = true;
      lastNanos = nowNanos;
    } else if (nowNanos - lastNanos > 0) { // a shared bucket may see its threads' clocks read a little out of order
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
      lastNanos = nowNanos;
    }
    if (tokens >= 1) {
      tokens--;
      return true;
    }
    return false;
  }
}
