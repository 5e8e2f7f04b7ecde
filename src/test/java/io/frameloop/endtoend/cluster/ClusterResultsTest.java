package io.frameloop.endtoend.cluster;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.cli.Main;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.Cluster;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.server.Role;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A front node without workers (this JVM) and a worker node (a separate JVM): the worker's results
 * cross the cluster's wire with the frame, reach the client, and are published on the front's
 * local event bus, where the session lives.
 */
class ClusterResultsTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

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
  void resultsMadeOnTheWorkerNodeReachTheClientAndTheFrontsEventBus() throws Exception {
    int workerPort = freePort();
    int frontPort = freePort();
    String members = "127.0.0.1:" + workerPort + ",127.0.0.1:" + frontPort;
    Path log = Path.of("target", "cluster-results-worker.log");
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
    Wait.until("the worker node to start (see " + log + ")", WAIT, Duration.ofMillis(100), () -> Files.readString(log).contains("ready"));

    FrameLoopOptions options = new FrameLoopOptions().setCluster(true).setNodeName("front");
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    options.getClusterOptions().setRole(Role.front).setClusterPort(frontPort).setClusterMembers(List.of(members.split(",")));
    options.getSessionOptions().setStatsIntervalMs(200);
    front = await(Cluster.start(options.getClusterOptions()));
    BlockingQueue<JsonObject> published = new LinkedBlockingQueue<>();
    await(front.eventBus().<JsonObject>localConsumer(FrameLoop.RESULTS_ADDRESS, message -> published.add(message.body())).completion());
    FrameLoopVerticle verticle = FrameLoopVerticle.create(options);
    await(front.deployVerticle(verticle));

    try (FrameClient client = FrameClient.connect(front, verticle.actualPort())) {
      // The frame waits in its session until the front knows a worker.
      client.usePipeline(pipeline(op("faces").put("keypoints", true)).put("reply", "results"));
      client.sendFramed(1, 0, Images.fixture("astronaut-640x480.jpg"));
      JsonObject results = client.next("results");
      assertThat(results.getJsonArray("detections")).hasSize(1);
      assertThat(results.getJsonArray("detections").getJsonObject(0).getJsonArray("keypoints")).hasSize(6);
      assertThat(client.pollBinary(Duration.ofMillis(300))).as("results mode: no image").isNull();
      assertThat(client.nextStats(s -> s.getLong("out") == 1).getJsonObject("workers").getLong("remote-worker")).isEqualTo(1);

      JsonObject body = Wait.take("results on the front's event bus", published, WAIT, b -> true);
      assertThat(body.getLong("seq")).isEqualTo(1);
      JsonObject expected = results.copy();
      expected.remove("type");
      expected.remove("seq");
      expected.remove("timestamp");
      assertThat(body.getJsonObject("results")).isEqualTo(expected);

      client.usePipeline(pipeline(op("faces")).put("reply", "both"));
      client.sendFramed(2, 0, Images.fixture("astronaut-640x480.jpg"));
      assertThat(client.next("results").getJsonArray("detections")).hasSize(1);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(2);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
