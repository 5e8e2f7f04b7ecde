package io.frameloop.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Blocks a test thread on a Vert.x future, with a bound. Conditions are waited for with {@link Wait}. */
public final class Await {

  public static final Duration TIMEOUT = Wait.LIMIT;

  private Await() {
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not completed within " + TIMEOUT, e);
    }
  }

  /**
   * Polls {@code condition} until it holds, failing after {@link #TIMEOUT}.
   *
   * @deprecated wait with {@link Wait#until(String, Wait.Check)}, which names what it waits for;
   *     kept only until server/TransportLimitTest (another engineer's file in issue 23) is switched.
   */
  @Deprecated
  public static void until(BooleanSupplier condition) {
    Wait.until("condition", TIMEOUT, Duration.ofMillis(50), condition::getAsBoolean);
  }
}
