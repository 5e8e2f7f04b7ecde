package io.frameloop.endtoend.cluster;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.Cluster;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.ClusterCerts;
import io.frameloop.testing.ForkedNode;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.StreamingSession;
import io.frameloop.testing.Wait;
import io.frameloop.worker.WorkerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mutual-TLS event bus, on loopback: a front (this JVM) and a worker node with certificates of
 * the cluster CA share the frames; nodes that join the Hazelcast membership without those
 * credentials — a certificate of another CA, or no TLS at all — never get a frame, even when they
 * subscribe to the real workers' addresses, and the sessions keep streaming.
 */
@Timeout(240)
class ClusterTlsTest {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  private final List<ForkedNode> nodes = new ArrayList<>();
  private final List<StreamingSession> sessions = new ArrayList<>();
  private Vertx front;
  private ClusterCerts cluster;
  private ClusterCerts foreign;
  private final int[] ports = new int[4];
  private String members;

  @BeforeEach
  void certificates() throws Exception {
    cluster = ClusterCerts.make(dir.resolve("cluster"), "front", "tls-worker");
    foreign = ClusterCerts.make(dir.resolve("foreign"), "foreign");
    List<String> list = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      ports[i] = ForkedNode.freePort();
      list.add("127.0.0.1:" + ports[i]);
    }
    members = String.join(",", list);
  }

  /** Vert.x's log records of TLS handshakes that failed in this JVM (the front's event bus). */
  private final List<String> handshakeFailures = new CopyOnWriteArrayList<>();
  private final Handler tlsFailures = new Handler() {
    @Override
    public void publish(LogRecord record) {
      for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
        if (t instanceof SSLException) {
          handshakeFailures.add(t.toString());
          return;
        }
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void watchTls() {
    Logger.getLogger("").addHandler(tlsFailures);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("").removeHandler(tlsFailures);
    sessions.forEach(StreamingSession::close);
    // The front leaves first, while the others can still hear it: faster than a member that finds everyone gone.
    if (front != null) {
      await(front.close());
    }
    nodes.forEach(ForkedNode::close);
  }

  @Test
  void workerNodesWithoutTheClusterCertificatesProcessNoFrame() throws Exception {
    nodes.add(ForkedNode.startWorker("tls-worker", worker(ports[1], cluster.environment("tls-worker"))));
    nodes.add(ForkedNode.startWorker("foreign-ca-worker", worker(ports[2], foreign.environment("foreign"))));
    nodes.add(ForkedNode.startWorker("plaintext-worker", worker(ports[3], Map.of())));
    int port = startFront(2000);
    stream(port);

    Wait.until("frames processed on both nodes of the cluster", WAIT, () -> total("front") >= 30 && total("tls-worker") >= 30);
    Wait.until("the front's TLS handshakes with the foreign nodes failing", WAIT, () -> !handshakeFailures.isEmpty());
    assertThat(processedBy()).containsOnlyKeys("front", "tls-worker");
    assertThat(members()).as("the foreign nodes are still Hazelcast members").isEqualTo(4);
    assertThat(sessions).noneMatch(StreamingSession::isClosed);
  }

  @Test
  void nodesThatSubscribeToTheWorkersAddressesWithoutTheClusterCertificatesGetNoFrame() throws Exception {
    nodes.add(ForkedNode.startWorker("tls-worker", worker(ports[1], cluster.environment("tls-worker"))));
    int port = startFront(500);
    ForkedNode foreignRogue = ForkedNode.startRogue("rogue-foreign-ca", List.of(Integer.toString(ports[2]), members,
      WorkerOptions.DEFAULT_ADDRESS, foreign.cert("foreign").toString(), foreign.key("foreign").toString(), foreign.ca().toString()));
    ForkedNode plainRogue = ForkedNode.startRogue("rogue-plaintext", List.of(Integer.toString(ports[3]), members,
      WorkerOptions.DEFAULT_ADDRESS));
    nodes.add(foreignRogue);
    nodes.add(plainRogue);
    // Both workers' addresses (the front's and the worker node's) taken by each rogue too.
    Wait.until("the rogues subscribed to the workers' addresses", WAIT, () -> foreignRogue.log().split("rogue subscribed to").length > 2
      && plainRogue.log().split("rogue subscribed to").length > 2);
    stream(port);
    long streaming = System.nanoTime();

    // Frames the front routes to a rogue are lost (it holds the worker until the hard limit): few get through.
    Wait.until("frames processed on the cluster's nodes", WAIT, () -> total("front") + total("tls-worker") >= 6);
    Wait.until("the front's TLS handshakes with the rogues failing", WAIT, () -> !handshakeFailures.isEmpty());
    assertThat(processedBy()).containsOnlyKeys("front", "tls-worker");
    assertThat(foreignRogue.log()).doesNotContain("ROGUE RECEIVED");
    assertThat(plainRogue.log()).doesNotContain("ROGUE RECEIVED");
    assertThat(sessions).noneMatch(StreamingSession::isClosed);
    System.out.println("ClusterTlsTest: with rogue subscribers, after " + (System.nanoTime() - streaming) / 1_000_000
      + " ms of streaming, per session: " + sessions.stream()
      .map(s -> s.stats().getJsonObject("workers").encode() + " dropped " + s.stats().getJsonObject("dropped").encode())
      .collect(Collectors.joining("; ")));
  }

  private Map<String, String> worker(int clusterPort, Map<String, String> tls) {
    Map<String, String> env = new HashMap<>(tls);
    env.put("FRAMELOOP_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("FRAMELOOP_CLUSTER_MEMBERS", members);
    env.put("FRAMELOOP_WORKER_INSTANCES", "1");
    return env;
  }

  /** The front, with a worker of its own (role both) and the cluster's certificate; its HTTP port. */
  private int startFront(long processTimeoutMs) {
    FrameLoopOptions options = new FrameLoopOptions().setCluster(true).setNodeName("front");
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    options.getClusterOptions().setClusterPort(ports[0]).setClusterMembers(List.of(members.split(",")))
      .setClusterTlsCertPath(cluster.cert("front").toString()).setClusterTlsKeyPath(cluster.key("front").toString())
      .setClusterTlsCaPath(cluster.ca().toString());
    options.getWorkerOptions().setWorkerInstances(1).setProcessTimeoutMs(processTimeoutMs);
    options.getSessionOptions().setMaxFps(0).setStatsIntervalMs(200);
    front = await(Cluster.start(options.getClusterOptions()));
    FrameLoopVerticle verticle = FrameLoopVerticle.create(options);
    await(front.deployVerticle(verticle));
    return verticle.actualPort();
  }

  private void stream(int port) throws Exception {
    Wait.until("every node in the Hazelcast membership", WAIT, () -> members() == 4);
    Buffer frame = Images.fixture("coffee-640x480.jpg");
    for (int i = 0; i < 2; i++) {
      sessions.add(new StreamingSession(FrameClient.connect(front, port), frame, 40, 5000));
    }
  }

  private int members() {
    return ((VertxInternal) front).clusterManager().getNodes().size();
  }

  private long total(String node) {
    return sessions.stream().mapToLong(s -> s.processedOn(node)).sum();
  }

  private Map<String, Object> processedBy() {
    Map<String, Object> all = new HashMap<>();
    sessions.forEach(s -> all.putAll(s.stats().getJsonObject("workers").getMap()));
    return all;
  }
}
