package io.frameloop.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The tests' one way to wait: poll a condition, a value or a queue until it holds, or fail the
 * test naming what it waited for. Nothing here sleeps longer than it must; a condition that
 * throws fails the wait at once (with its exception as the cause).
 */
public final class Wait {

  /** How long a wait lasts when the test names no limit (a loaded 2-core machine: generous). */
  public static final Duration LIMIT = Duration.ofSeconds(60);
  /** How often a condition is polled when the test names no interval. */
  public static final Duration EVERY = Duration.ofMillis(20);

  /** A condition that may throw (e.g. reading a log file or scraping /metrics). */
  public interface Check {
    boolean ok() throws Exception;
  }

  /** A value that may not be there yet: null means "not yet". */
  public interface Probe<T> {
    T value() throws Exception;
  }

  /** A point in time a loop runs until, from {@link System#nanoTime()}. */
  public static final class Deadline {

    private final long endNanos;

    private Deadline(long endNanos) {
      this.endNanos = endNanos;
    }

    public static Deadline in(Duration duration) {
      return new Deadline(System.nanoTime() + duration.toNanos());
    }

    public boolean passed() {
      return System.nanoTime() - endNanos >= 0;
    }

    /** The time left, never negative. */
    public Duration remaining() {
      return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }
  }

  private Wait() {
  }

  /** Polls {@code check} every {@link #EVERY} for at most {@link #LIMIT}. */
  public static void until(String what, Check check) {
    until(what, LIMIT, EVERY, check);
  }

  /** Polls {@code check} every {@link #EVERY} for at most {@code limit}. */
  public static void until(String what, Duration limit, Check check) {
    until(what, limit, EVERY, check);
  }

  /** Polls {@code check} every {@code every} (zero: again at once, for a check that blocks itself) for at most {@code limit}. */
  public static void until(String what, Duration limit, Duration every, Check check) {
    forValue(what, limit, every, () -> check.ok() ? Boolean.TRUE : null);
  }

  /** Polls {@code probe} until it gives a value (not null), and returns that value. */
  public static <T> T forValue(String what, Duration limit, Duration every, Probe<T> probe) {
    Deadline deadline = Deadline.in(limit);
    while (true) {
      T value;
      try {
        value = probe.value();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        throw new AssertionError("failed while waiting for " + what + ": " + e, e);
      }
      if (value != null) {
        return value;
      }
      if (deadline.passed()) {
        throw new AssertionError("timed out after " + describe(limit) + " waiting for " + what);
      }
      sleep(every, what);
    }
  }

  /**
   * Takes items from {@code queue} until one is {@code wanted} (the others are dropped) and
   * returns it, or fails after {@code limit} naming {@code what}.
   */
  public static <T> T take(String what, BlockingQueue<T> queue, Duration limit, Predicate<? super T> wanted) {
    return poll(queue, limit, wanted)
      .orElseThrow(() -> new AssertionError("timed out after " + describe(limit) + " waiting for " + what));
  }

  /** Like {@link #take}, but empty when no wanted item came within {@code limit}. */
  public static <T> Optional<T> poll(BlockingQueue<T> queue, Duration limit, Predicate<? super T> wanted) {
    Deadline deadline = Deadline.in(limit);
    do {
      T item;
      try {
        item = queue.poll(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (item != null && wanted.test(item)) {
        return Optional.of(item);
      }
    } while (!deadline.passed());
    return Optional.empty();
  }

  private static void sleep(Duration every, String what) {
    if (every.isZero()) {
      return;
    }
    try {
      Thread.sleep(every.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }

  private static String describe(Duration limit) {
    return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
  }
}
