package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.TestServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** FrameLoopVerticle deployed as Vert.x users deploy verticles, with several instances: one service behind them. */
@ExtendWith(VertxExtension.class)
class VerticleInstancesTest {

  @Test
  void instancesShareOneServiceOneSessionLimitAndOneSetOfCounters(Vertx vertx) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    FrameLoopOptions options = TestServers.options(o -> o.getSessionOptions().setMaxSessions(3));
    options.getHttpServerOptions().setPort(port);
    JsonObject config = options.toJson();
    String deployment = await(vertx.deployVerticle(FrameLoopVerticle.class, new DeploymentOptions().setInstances(2).setConfig(config)));

    List<FrameClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FrameClient client = FrameClient.connect(vertx, port);
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      client.nextBinary();
      clients.add(client);
    }
    assertThatThrownBy(() -> FrameClient.connect(vertx, port)).as("one maxSessions for both instances")
      .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(503));
    Metrics metrics = Metrics.scrape(port);
    assertThat(metrics.value("frameloop_sessions_active")).isEqualTo(3);
    assertThat(metrics.value("frameloop_frames_out_total")).as("one set of counters").isEqualTo(3);

    await(vertx.undeploy(deployment));
    for (FrameClient client : clients) {
      client.awaitClosed();
      assertThat(client.closeStatus()).as("every session told the server is going away").isEqualTo((short) 1001);
      client.close();
    }
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  void aConstructorReferenceDeploysAsVertxUsersWriteIt(Vertx vertx) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    FrameLoopOptions options = TestServers.options();
    options.getHttpServerOptions().setPort(port);
    String deployment = await(vertx.deployVerticle(FrameLoopVerticle::new,
      new DeploymentOptions().setInstances(2).setConfig(options.toJson())));
    assertThat(Http.get(port, "/health").statusCode()).isEqualTo(200);
    await(vertx.undeploy(deployment));
  }

  @Test
  void separateDeploymentsAreSeparateServicesAndAFailedStartLeavesNothingBehind(Vertx vertx) throws Exception {
    FrameLoopVerticle one = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxSessions(1)));
    FrameLoopVerticle other = TestServers.start(vertx, TestServers.options(o -> {
      o.getRouteOptions().setFramesPath("/other");
      o.getWorkerOptions().setAddress("instances.other"); // a service of its own has workers of its own
    }));
    assertThat(one.frameLoop()).isNotSameAs(other.frameLoop());
    FrameClient.connect(vertx, other.actualPort(), "/other").close();
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      FrameLoopOptions clash = TestServers.options(o -> o.getSessionOptions().setMaxSessions(1));
      clash.getWorkerOptions().setAddress("instances.retry");
      clash.getHttpServerOptions().setPort(busy.getLocalPort());
      assertThatThrownBy(() -> await(vertx.deployVerticle(FrameLoopVerticle.class,
        new DeploymentOptions().setInstances(2).setConfig(clash.toJson())))).isNotNull();
    }
    // The next deployment starts its own service: its limits, its workers.
    // On the failed deployment's address: the failed start freed it.
    FrameLoopVerticle retry = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxSessions(5);
      o.getWorkerOptions().setAddress("instances.retry");
    }));
    try (FrameClient a = FrameClient.connect(vertx, retry.actualPort()); FrameClient b = FrameClient.connect(vertx, retry.actualPort())) {
      b.sendFramed(1, 0, Images.leftRedRightBlue());
      b.nextBinary();
    }
    await(vertx.undeploy(one.deploymentID()));
    try (FrameClient stillServed = FrameClient.connect(vertx, other.actualPort(), "/other")) {
      stillServed.sendFramed(1, 0, Images.leftRedRightBlue());
      stillServed.nextBinary();
    }
  }
}
