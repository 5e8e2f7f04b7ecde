package io.frameloop.session;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.worker.WorkerLease;
import io.frameloop.worker.WorkerPool;
import io.frameloop.worker.Workers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduler shares the workers' time, not their turns, among sessions that wait for them. */
@ExtendWith(VertxExtension.class)
class FrameSchedulerTest {

  /** A session that is always ready, whose frames cost {@code costNanos} each. */
  private static final class Session implements FrameScheduler.Turn {
    final String name;
    final long costNanos;
    final List<String> log;
    FrameScheduler scheduler;
    WorkerLease held;

    Session(String name, long costNanos, List<String> log) {
      this.name = name;
      this.costNanos = costNanos;
      this.log = log;
    }

    @Override
    public void dispatch(WorkerLease lease) {
      log.add(name);
      scheduler.charge(this, costNanos);
      held = lease;
    }
  }

  @Test
  void aSessionOfExpensiveFramesGetsItsShareOfTimeNotOfTurns(Vertx vertx) throws Exception {
    WorkerPool pool = await(Workers.pool(vertx, "test.scheduler", 10_000, 0));
    // One worker, announced as its node would announce it.
    vertx.eventBus().publish("test.scheduler.announce", new JsonObject().put("node", "test").put("up", true)
      .put("workers", new JsonArray().add(new JsonObject().put("address", "test.scheduler.worker").put("busyMs", 0))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.health().getInteger("workers") != 1) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
    FrameScheduler scheduler = new FrameScheduler(pool);
    List<String> log = new ArrayList<>();
    Session expensive = new Session("expensive", TimeUnit.MILLISECONDS.toNanos(1000), log);
    Session cheap = new Session("cheap", TimeUnit.MILLISECONDS.toNanos(10), log);
    expensive.scheduler = scheduler;
    cheap.scheduler = scheduler;

    scheduler.enqueue(expensive); // takes the only worker
    scheduler.enqueue(cheap);
    Session holding = expensive;
    for (int round = 0; round < 60; round++) {
      scheduler.enqueue(holding); // ready again, while the other one still waits
      WorkerLease lease = holding.held;
      holding.held = null;
      lease.release(); // the worker is free: the scheduler picks who goes next
      holding = expensive.held != null ? expensive : cheap;
    }
    long expensiveTurns = log.stream().filter("expensive"::equals).count();
    // Taking turns would give it half of the 61 frames; by time it gets one per hundred cheap ones.
    assertThat(expensiveTurns).as("frames of the expensive session in " + log.size()).isLessThanOrEqualTo(2);
    pool.close();
  }
}
