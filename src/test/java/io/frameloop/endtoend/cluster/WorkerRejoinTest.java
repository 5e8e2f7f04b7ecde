package io.frameloop.endtoend.cluster;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.ForkedNode;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.StreamingSession;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker node frozen (SIGSTOP) for longer than Hazelcast's heartbeat limit, then thawed (SIGCONT),
 * as after a long GC pause or a suspended VM: the front (a forked server, role front) has removed it
 * from the cluster meanwhile, and the worker finds itself alone. It must come back by itself, in
 * seconds, not after Hazelcast's default split-brain merge (first check 300 s after start, then every
 * 120 s: 138 s measured). Both JVMs run with a shortened heartbeat (1 s, removed after 5 s silent).
 * Of two parts of equal size, Hazelcast merges the one whose master's address sorts higher (as a
 * string) into the other: the ports are chosen so that once the worker merges into the front, once
 * the front (whose sessions must live on) into the worker.
 */
@Timeout(300)
class WorkerRejoinTest {

  /** Far below the 138 s of Hazelcast's default merge; the README gives the expected delay. */
  private static final long BOUND_MS = 60_000;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final List<String> SHORT_HEARTBEAT = List.of("-Dhazelcast.heartbeat.interval.seconds=1",
    "-Dhazelcast.max.no.heartbeat.seconds=5");

  private ForkedServer front;
  private ForkedNode worker;
  private StreamingSession session;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    if (session != null) {
      session.close();
    }
    if (front != null) {
      front.close();
    }
    if (worker != null) {
      worker.close();
    }
    await(vertx.close());
  }

  @ParameterizedTest(name = "the front merges into the worker: {0}")
  @ValueSource(booleans = {false, true})
  void aWorkerFrozenPastTheHeartbeatRejoinsAndProcessesFramesAgain(boolean frontMerges) throws Exception {
    int[] ports = {ForkedNode.freePort(), ForkedNode.freePort()};
    // Hazelcast compares "[host]:port" strings: the higher one merges into the other.
    boolean firstSortsHigher = ("[127.0.0.1]:" + ports[0]).compareTo("[127.0.0.1]:" + ports[1]) > 0;
    int frontClusterPort = firstSortsHigher == frontMerges ? ports[0] : ports[1];
    int workerClusterPort = frontClusterPort == ports[0] ? ports[1] : ports[0];
    String members = "127.0.0.1:" + frontClusterPort + ",127.0.0.1:" + workerClusterPort;
    front = ForkedServer.start("rejoin-front", "256m", Map.of("FRAMELOOP_CLUSTER", "true", "FRAMELOOP_ROLE", "front",
      "FRAMELOOP_NODE_NAME", "rejoin-front", "FRAMELOOP_CLUSTER_PORT", Integer.toString(frontClusterPort),
      "FRAMELOOP_CLUSTER_MEMBERS", members), SHORT_HEARTBEAT, "no-config-file.json");
    worker = ForkedNode.startWorker("rejoin-worker", Map.of("FRAMELOOP_CLUSTER_PORT", Integer.toString(workerClusterPort),
      "FRAMELOOP_CLUSTER_MEMBERS", members, "FRAMELOOP_WORKER_INSTANCES", "1"), SHORT_HEARTBEAT);
    Wait.until("the front to know the worker", WAIT, () -> knownWorkers() == 1);

    session = new StreamingSession(FrameClient.connect(vertx, front.port()), Images.fixture("coffee-640x480.jpg"), 100, 100_000);
    Wait.until("frames processed on the worker", WAIT, () -> session.processedOn("rejoin-worker") >= 5);

    worker.pause();
    int frontLogBefore = front.log().length();
    // Frozen until the front's Hazelcast has removed it (5 s without a heartbeat), and a little longer.
    Wait.until("the front's cluster to remove the frozen worker", WAIT,
      () -> front.log().substring(frontLogBefore).contains("Members {size:1"));
    assertThat(knownWorkers()).as("workers the front knows while the worker is removed").isZero();
    long processedBefore = session.processedOn("rejoin-worker");
    worker.resume();
    long resumed = System.nanoTime();

    Wait.until("the front to know the thawed worker again", WAIT, () -> knownWorkers() == 1);
    Wait.until("frames processed on the thawed worker again", WAIT,
      () -> session.processedOn("rejoin-worker") >= processedBefore + 5);
    long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed);
    System.out.println("WorkerRejoinTest (the front merges: " + frontMerges + "): frames processed on the thawed worker again "
      + backMs + " ms after SIGCONT");
    assertThat(frontMerges ? front.log() : worker.log())
      .as("the part that merged").contains("this node merged back into its cluster");
    assertThat(backMs).as("ms from SIGCONT to frames processed on the worker again").isLessThan(BOUND_MS);
    assertThat(worker.isAlive()).as("the worker rejoined in place").isTrue();
    assertThat(session.isClosed()).isFalse();
  }

  /** The workers the front knows now, from its {@code /health}. */
  private int knownWorkers() {
    JsonObject health = new JsonObject(Http.get(front.port(), "/health").body());
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(check -> check.getString("id").equals("workers")).findFirst().orElseThrow()
      .getJsonObject("data").getInteger("workers");
  }
}
