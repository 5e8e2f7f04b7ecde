package io.frameloop.replay;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Futures given a time limit, so that no step of a run waits on a server forever. */
final class TimeLimits {

  private TimeLimits() {
  }

  /** {@code future}'s outcome, or {@code late}'s failure when it has none within {@code millis}. */
  static <T> Future<T> within(Vertx vertx, Future<T> future, long millis, Supplier<Throwable> late) {
    Promise<T> bounded = Promise.promise();
    long timer = vertx.setTimer(millis, t -> bounded.tryFail(late.get()));
    future.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        bounded.tryComplete(done.result());
      } else {
        bounded.tryFail(done.cause());
      }
    });
    return bounded.future();
  }

  /** Completes when {@code future} does, or after {@code millis} at the latest, never failing: for closing. */
  static Future<Void> atMost(Vertx vertx, Future<?> future, long millis) {
    return within(vertx, future, millis, () -> new IllegalStateException("late")).<Void>mapEmpty().otherwiseEmpty();
  }
}
