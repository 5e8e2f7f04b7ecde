package io.frameloop.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
}
