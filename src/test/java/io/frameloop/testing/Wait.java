package io.frameloop.testing;

import java.time.Duration;

/** Polls a condition until it holds, or fails the test naming what it waited for. */
public final class Wait {

  /** A condition that may throw (e.g. reading a log file). */
  public interface Check {
    boolean ok() throws Exception;
  }

  private Wait() {
  }

  public static void until(String what, Duration limit, Check check) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
