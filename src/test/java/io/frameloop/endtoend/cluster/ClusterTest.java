package io.frameloop.endtoend.cluster;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.Cluster;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.cli.Main;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A front node (this JVM) and a worker node (a separate JVM) on Vert.x's clustered event bus,
 * Hazelcast bound to 127.0.0.1. Frames sent to the front are processed on the worker; when the
 * worker is killed, the frames it held are dropped as {@code worker_lost} and the sessions go on
 * with the front's own worker.
 */
class ClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(100);

  private Process worker;
  private Vertx front;

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.destroyForcibly();
    }
    if (front != null) {
      await(front.close());
    }
  }

  @Test
  void framesAreProcessedOnTheWorkerNodeAndSurviveItsDeath() throws Exception {
    int workerPort = freePort();
    int frontPort = freePort();
    String members = "127.0.0.1:" + workerPort + ",127.0.0.1:" + frontPort;
    Path log = Path.of("target", "cluster-worker.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), Main.class.getName(),
      "serve", "--cluster", "--role", "worker", "--config", "no-config-file.json")
      .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of(
      "FRAMELOOP_CLUSTER_PORT", Integer.toString(workerPort),
      "FRAMELOOP_CLUSTER_MEMBERS", members,
      "FRAMELOOP_NODE_NAME", "remote-worker",
      "FRAMELOOP_WORKER_INSTANCES", "1"));
    worker = builder.start();
    Wait.until("the worker node to start (see " + log + ")", WAIT, POLL, () -> Files.readString(log).contains("ready"));

    FrameLoopOptions options = new FrameLoopOptions().setCluster(true).setNodeName("front");
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    options.getClusterOptions().setClusterPort(frontPort).setClusterMembers(List.of(members.split(",")));
    options.getWorkerOptions().setWorkerInstances(1).setMaxInFlight(4).setProcessTimeoutMs(2000);
    options.getSessionOptions().setMaxFps(0).setStatsIntervalMs(200);
    front = await(Cluster.start(options.getClusterOptions()));
    FrameLoopVerticle verticle = FrameLoopVerticle.create(options);
    await(front.deployVerticle(verticle));

    Buffer frame = Images.fixture("coffee-640x480.jpg");
    List<FrameClient> clients = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    AtomicBoolean sending = new AtomicBoolean(true);
    try {
      for (int i = 0; i < 4; i++) {
        FrameClient client = FrameClient.connect(front, verticle.actualPort());
        clients.add(client);
        Thread sender = new Thread(() -> {
          // Closed loop, bounded: a frame, then its reply or (worker lost) a timeout.
          for (int seq = 0; seq < 5000 && sending.get(); seq++) {
            client.sendFramed(seq, 0, frame);
            client.pollBinary(Duration.ofSeconds(3));
          }
        });
        sender.start();
        senders.add(sender);
      }
      Wait.until("frames processed on the worker node", WAIT, POLL, () -> total(clients, "remote-worker") >= 10);

      worker.destroyForcibly().waitFor();
      Wait.until("frames held by the dead worker counted as worker_lost", WAIT, POLL, () -> clients.stream()
        .mapToLong(c -> lastStats(c).getJsonObject("dropped").getLong("worker_lost")).sum() >= 1);
      long frontBefore = total(clients, "front");
      Wait.until("processing going on without the worker", WAIT, POLL, () -> total(clients, "front") >= frontBefore + 20);
      for (FrameClient client : clients) {
        assertThat(client.isClosed()).isFalse();
      }
    } finally {
      sending.set(false);
      for (Thread sender : senders) {
        sender.join();
      }
      clients.forEach(FrameClient::close);
    }
  }

  private final Map<FrameClient, JsonObject> stats = new ConcurrentHashMap<>();

  /** The newest stats message of a client (the test thread is the only one reading JSON). */
  private JsonObject lastStats(FrameClient client) {
    JsonObject latest;
    while ((latest = client.pollJson("stats", Duration.ofMillis(1))) != null) {
      stats.put(client, latest);
    }
    return stats.getOrDefault(client, new JsonObject().put("dropped", new JsonObject().put("worker_lost", 0L))
      .put("workers", new JsonObject()));
  }

  private long total(List<FrameClient> clients, String node) {
    return clients.stream().mapToLong(c -> lastStats(c).getJsonObject("workers").getLong(node, 0L)).sum();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
