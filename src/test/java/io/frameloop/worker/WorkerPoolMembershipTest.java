package io.frameloop.worker;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pool hears of a node that left the cluster ({@link Workers#membersChanged}): the frame a
 * worker of that node holds fails at once as {@code worker_lost} (not after
 * {@code processTimeoutMs}), the worker gets no more frames, and a late announcement of the node
 * does not bring it back, until the node is a member again (it merged back). Workers of nodes that remain, and of a node outside any cluster (no
 * node id), are kept. One Vert.x instance; the "remote" worker is a consumer that never answers.
 */
@ExtendWith(VertxExtension.class)
class WorkerPoolMembershipTest {

  private static final String ADDRESS = "membership.test";
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(10);
  private static final Duration WAIT_EVERY = Duration.ofMillis(10);

  @Test
  void aDepartedNodesFrameFailsAtOnceAndItsWorkersAreForgotten(Vertx vertx) throws Exception {
    WorkerPool pool = await(Workers.pool(vertx, ADDRESS, 60_000, 0, () -> { }));
    vertx.eventBus().consumer(ADDRESS + ".silent", message -> { }); // takes the frame, never answers
    vertx.eventBus().consumer(ADDRESS + ".kept", message -> { });
    vertx.eventBus().consumer(ADDRESS + ".local", message -> { });
    announce(vertx, "gone-node", "id-gone", ADDRESS + ".silent");
    announce(vertx, "kept-node", "id-kept", ADDRESS + ".kept");
    announce(vertx, "single-node", null, ADDRESS + ".local");
    waitUntil("three workers announced", () -> pool.health().getInteger("workers") == 3);

    // A frame in each worker; none answers.
    List<CompletableFuture<Throwable>> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      WorkerLease lease = pool.acquire().orElseThrow();
      CompletableFuture<Throwable> result = new CompletableFuture<>();
      results.add(result);
      vertx.runOnContext(v -> lease.process(new FrameJob(Buffer.buffer(new byte[] {1}), new PipelineSpec(List.of(), 80)))
        .onComplete(ar -> result.complete(ar.cause())));
    }
    waitUntil("a frame in each worker", () -> pool.busy() == 3);

    long left = System.nanoTime();
    Workers.membersChanged(vertx, List.of("id-kept", "some-front"));
    waitUntil("the departed node's frame failed", () -> results.stream().anyMatch(CompletableFuture::isDone));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left)).isLessThan(5_000); // not processTimeoutMs (60 s)
    Thread.sleep(200);
    List<Throwable> failures = results.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
    assertThat(failures).as("only the departed node's frame fails").hasSize(1);
    assertThat(failures.get(0)).isInstanceOf(ProcessingFailure.class).hasMessageContaining("left the cluster");
    assertThat(((ProcessingFailure) failures.get(0)).kind()).isEqualTo(ProcessingFailure.Kind.WORKER_LOST);
    assertThat(pool.health().getInteger("workers")).isEqualTo(2);
    assertThat(pool.busy()).isEqualTo(2);

    // An announcement of the departed node still on its way is ignored.
    announce(vertx, "gone-node", "id-gone", ADDRESS + ".silent");
    announce(vertx, "kept-node", "id-kept", ADDRESS + ".kept");
    Thread.sleep(200);
    assertThat(pool.health().getInteger("workers")).isEqualTo(2);

    // The node is a member again (it merged back after a pause): its announcements count again.
    Workers.membersChanged(vertx, List.of("id-kept", "some-front", "id-gone"));
    waitUntil("the returned node's worker known again", () -> {
      announce(vertx, "gone-node", "id-gone", ADDRESS + ".silent");
      return pool.health().getInteger("workers") == 3;
    });
    pool.close();
  }

  private static void announce(Vertx vertx, String node, String nodeId, String workerAddress) {
    vertx.eventBus().publish(WorkerProtocol.announceAddress(ADDRESS), new JsonObject().put("node", node).put("nodeId", nodeId)
      .put("up", true).put("workers", new JsonArray().add(new JsonObject().put("address", workerAddress).put("busyMs", 0))));
  }

  private static void waitUntil(String what, Wait.Check check) {
    Wait.until(what, WAIT_LIMIT, WAIT_EVERY, check);
  }
}
