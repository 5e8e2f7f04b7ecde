package io.frameloop.session;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.pipeline.StageTimes;
import io.frameloop.testing.Wait;
import io.frameloop.worker.WorkerLease;
import io.frameloop.worker.WorkerPool;
import io.frameloop.worker.Workers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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

  /** A scheduler over a pool of one worker, announced as its node would announce it. */
  private static FrameScheduler oneWorker(Vertx vertx, String address) throws Exception {
    FrameScheduler scheduler = await(FrameScheduler.start(whenFree -> Workers.pool(vertx, address, 10_000, 0, whenFree)));
    WorkerPool pool = scheduler.workers();
    vertx.eventBus().publish(address + ".announce", new JsonObject().put("node", "test").put("up", true)
      .put("workers", new JsonArray().add(new JsonObject().put("address", address + ".worker").put("busyMs", 0))));
    Wait.until("the announced worker in the pool", Duration.ofSeconds(10), Duration.ofMillis(10),
      () -> pool.health().getInteger("workers") == 1);
    return scheduler;
  }

  /** A scheduler over a pool of {@code workers} workers on one node. */
  private static FrameScheduler workers(Vertx vertx, String address, int workers) throws Exception {
    FrameScheduler scheduler = await(FrameScheduler.start(whenFree -> Workers.pool(vertx, address, 10_000, 0, whenFree)));
    JsonArray announced = new JsonArray();
    for (int i = 0; i < workers; i++) {
      announced.add(new JsonObject().put("address", address + ".worker" + i).put("busyMs", 0));
    }
    vertx.eventBus().publish(address + ".announce", new JsonObject().put("node", "test").put("up", true).put("workers", announced));
    Wait.until("the announced workers in the pool", Duration.ofSeconds(10), Duration.ofMillis(10),
      () -> scheduler.workers().health().getInteger("workers") == workers);
    return scheduler;
  }

  @Test
  void expensiveFramesHoldAllWorkersButOneSoACheapFrameIsServedAtOnce(Vertx vertx) throws Exception {
    FrameScheduler scheduler = workers(vertx, "test.scheduler.expensive", 2);
    List<String> log = new ArrayList<>();
    Session heavyA = new Session("heavyA", 0, log);
    Session heavyB = new Session("heavyB", 0, log);
    Session cheap = new Session("cheap", 0, log);
    for (Session session : List.of(heavyA, heavyB, cheap)) {
      session.scheduler = scheduler;
    }
    scheduler.enqueue(cheap, false); // cheap frames are coming
    cheap.held.release();
    scheduler.enqueue(heavyA, true);
    scheduler.enqueue(heavyB, true); // a worker is free, but it is the cheap frames' one
    assertThat(log).containsExactly("cheap", "heavyA");
    assertThat(scheduler.expensiveOut()).isEqualTo(1);
    scheduler.enqueue(cheap, false);
    assertThat(log).containsExactly("cheap", "heavyA", "cheap");
    cheap.held.release();
    scheduler.enqueue(cheap, false);
    assertThat(log).as("the cheap session is served again while heavyB waits").containsExactly("cheap", "heavyA", "cheap", "cheap");
    heavyA.held.release(); // the expensive share comes back: heavyB's turn
    assertThat(log).containsExactly("cheap", "heavyA", "cheap", "cheap", "heavyB");
    assertThat(scheduler.expensiveOut()).isEqualTo(1);
    heavyB.held.release();
    cheap.held.release();
    assertThat(scheduler.expensiveOut()).isZero();
    assertThat(scheduler.workers().busy()).isZero();
  }

  @Test
  void withNoCheapFrameComingExpensiveFramesUseEveryWorker(Vertx vertx) throws Exception {
    FrameScheduler scheduler = workers(vertx, "test.scheduler.expensive-only", 2);
    List<String> log = new ArrayList<>();
    Session heavyA = new Session("heavyA", 0, log);
    Session heavyB = new Session("heavyB", 0, log);
    heavyA.scheduler = scheduler;
    heavyB.scheduler = scheduler;
    scheduler.enqueue(heavyA, true);
    scheduler.enqueue(heavyB, true);
    assertThat(log).containsExactly("heavyA", "heavyB");
    assertThat(scheduler.expensiveOut()).isEqualTo(2);
    heavyA.held.release();
    heavyB.held.release();
    assertThat(scheduler.expensiveOut()).isZero();
  }

  @Test
  void withOneWorkerAnExpensiveFrameStillGoes(Vertx vertx) throws Exception {
    FrameScheduler scheduler = workers(vertx, "test.scheduler.expensive-one", 1);
    List<String> log = new ArrayList<>();
    Session heavy = new Session("heavy", 0, log);
    heavy.scheduler = scheduler;
    scheduler.enqueue(heavy, true);
    assertThat(log).containsExactly("heavy");
    heavy.held.release();
    assertThat(scheduler.expensiveOut()).isZero();
  }

  @Test
  void aFreedWorkerGoesAtOnceToTheSessionThatWaitedLongestAmongEquals(Vertx vertx) throws Exception {
    FrameScheduler scheduler = oneWorker(vertx, "test.scheduler.ties");
    List<String> log = new ArrayList<>();
    Session first = new Session("first", 0, log);
    Session second = new Session("second", 0, log);
    Session third = new Session("third", 0, log);
    for (Session session : List.of(first, second, third)) {
      session.scheduler = scheduler;
    }
    scheduler.enqueue(first); // takes the only worker
    scheduler.enqueue(second);
    scheduler.enqueue(third);
    assertThat(log).containsExactly("first");
    first.held.release(); // no enqueue after it: the release alone hands the worker on
    assertThat(log).containsExactly("first", "second");
    second.held.release();
    assertThat(log).containsExactly("first", "second", "third");
    scheduler.workers().close();
  }

  @Test
  void aClosedSessionIsForgottenAndNegativeTimesAreNotCredited(Vertx vertx) throws Exception {
    FrameScheduler scheduler = oneWorker(vertx, "test.scheduler.remove");
    List<String> log = new ArrayList<>();
    Session holder = new Session("holder", 0, log);
    Session closed = new Session("closed", 0, log);
    Session cheat = new Session("cheat", 0, log);
    Session honest = new Session("honest", 0, log);
    for (Session session : List.of(holder, closed, cheat, honest)) {
      session.scheduler = scheduler;
    }
    scheduler.enqueue(holder);
    scheduler.enqueue(closed);
    scheduler.remove(closed);
    scheduler.enqueue(honest);
    scheduler.enqueue(cheat);
    scheduler.charge(honest, 5);
    scheduler.charge(cheat, 10);
    scheduler.charge(cheat, -1_000_000); // a clock that stepped back earns nothing
    holder.held.release();
    // The honest session has used 5 ns, the cheat 10: the honest one goes first.
    assertThat(log).containsExactly("holder", "honest");
    honest.held.release();
    assertThat(log).containsExactly("holder", "honest", "cheat");
    cheat.held.release();
    assertThat(log).as("the removed session never gets the worker").doesNotContain("closed");
    scheduler.workers().close();
  }

  @Test
  void aSessionOfExpensiveFramesGetsItsShareOfTimeNotOfTurns(Vertx vertx) throws Exception {
    FrameScheduler scheduler = oneWorker(vertx, "test.scheduler");
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
    scheduler.workers().close();
  }

  /** A session that sends each frame it gets a turn for; its frames say what they cost (the test's worker reads it). */
  private static final class Sender implements FrameScheduler.Turn {
    final String name;
    final long costNanos;
    final List<String> log;
    volatile Future<ProcessedFrame> sent;

    Sender(String name, long costNanos, List<String> log) {
      this.name = name;
      this.costNanos = costNanos;
      this.log = log;
    }

    @Override
    public void dispatch(WorkerLease lease) {
      log.add(name);
      Buffer frame = Buffer.buffer().appendLong(costNanos);
      sent = lease.process(new FrameJob(frame, new PipelineSpec(List.of(), 80), 80));
    }
  }

  @Test
  void theLeaseChargesItsSessionTheProcessingTimeOfTheFrameThatCameBack(Vertx vertx) throws Exception {
    String address = "test.scheduler.charge";
    FrameScheduler scheduler = oneWorker(vertx, address);
    // The worker: answers at once, with the processing time the frame names.
    vertx.eventBus().<FrameJob>consumer(address + ".worker", message -> message.reply(new ProcessedFrame(Buffer.buffer(),
      1, 1, message.body().jpeg().getLong(0), "test", StageTimes.NONE)));
    List<String> log = Collections.synchronizedList(new ArrayList<>()); // the worker's answers come on an event loop
    Sender expensive = new Sender("expensive", TimeUnit.SECONDS.toNanos(1), log);
    Sender cheap = new Sender("cheap", TimeUnit.MILLISECONDS.toNanos(1), log);
    Session holder = new Session("holder", 0, log);
    holder.scheduler = scheduler;

    scheduler.enqueue(expensive);
    assertThat(await(expensive.sent).processingNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    scheduler.enqueue(holder); // takes the worker back: both senders now wait for it
    scheduler.enqueue(expensive);
    scheduler.enqueue(cheap);
    assertThat(log).containsExactly("expensive", "holder");
    holder.held.release();
    // Charged its second of processing, the expensive session waits although it came first; it goes
    // once the cheap frame has come back (and freed the worker).
    await(cheap.sent);
    assertThat(log).containsExactly("expensive", "holder", "cheap", "expensive");
    await(expensive.sent);
    scheduler.workers().close();
  }
}
