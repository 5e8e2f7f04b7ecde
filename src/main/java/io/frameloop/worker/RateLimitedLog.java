package io.frameloop.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning that a client can cause over and over: logged at most once per interval, with the
 * number of times it was left out since, so that a hostile client cannot flood the log.
 */
public final class RateLimitedLog {

  private final System.Logger log;
  private final long intervalNanos;
  private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(System.Logger log, long intervalMillis) {
    this.log = log;
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  public void warn(String message) {
    warn(message, null);
  }

  public void warn(String message, Throwable cause) {
    long now = System.nanoTime();
    long next = nextNanos.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !nextNanos.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long left = suppressed.getAndSet(0);
    String line = left == 0 ? message : message + " (and " + left + " more like it since the last report)";
    if (cause == null) {
      log.log(System.Logger.Level.WARNING, line);
    } else {
      log.log(System.Logger.Level.WARNING, line, cause);
    }
  }
}
