package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopMount;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.Role;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A FrameLoop owns its workers' address in its Vert.x instance: a second one on the same address
 * would share its workers (and half its frames would reach workers without its ops), so its
 * deploy fails and says what to change; closing the first frees the address. A front uses the
 * address of workers it does not own, which is what a front does.
 */
@ExtendWith(VertxExtension.class)
class WorkerAddressTest {

  @Test
  void aSecondFrameLoopOnAnAddressInUseFailsToDeployUntilTheFirstCloses(Vertx vertx) {
    FrameLoopOptions options = TestServers.options();
    String address = options.getWorkerOptions().getAddress();
    FrameLoop first = await(FrameLoopBootstrap.deploy(vertx, options));
    Set<String> deployed = Set.copyOf(vertx.deploymentIDs());

    assertThatThrownBy(() -> await(FrameLoopBootstrap.deploy(vertx, TestServers.options())))
      .isInstanceOf(IllegalStateException.class)
      .hasMessageContaining("'" + address + "'")
      .hasMessageContaining("already used by another FrameLoop")
      .hasMessageContaining("WorkerOptions.setAddress");
    assertThat(vertx.deploymentIDs()).as("the refused FrameLoop deployed no workers").containsExactlyInAnyOrderElementsOf(deployed);

    await(first.close());
    FrameLoop second = await(FrameLoopBootstrap.deploy(vertx, TestServers.options()));
    assertThat(roundTrip(vertx, second)).isEqualTo(1);
    await(second.close());
  }

  @Test
  void aFrontUsesTheAddressOfWorkersThatAreNotAFrameLoopsOwn(Vertx vertx) {
    FrameLoopOptions workerNode = TestServers.options(o -> o.getClusterOptions().setRole(Role.worker));
    String workers = await(FrameLoopBootstrap.deployWorkers(vertx, workerNode));
    FrameLoop front = await(FrameLoopBootstrap.deploy(vertx, TestServers.options(o -> o.getClusterOptions().setRole(Role.front))));
    assertThat(front.options().effectiveWorkerInstances()).as("a front has no workers of its own").isZero();
    assertThat(roundTrip(vertx, front)).isEqualTo(1);
    await(front.close());
    await(vertx.undeploy(workers));
  }

  /** Mounts the FrameLoop on a server of its own and sends it one frame: the processed frame's sequence. */
  private static long roundTrip(Vertx vertx, FrameLoop frameLoop) {
    Router router = Router.router(vertx);
    FrameLoopMount mount = frameLoop.mount(router);
    HttpServer server = await(vertx.createHttpServer(frameLoop.options().listenOptions()).requestHandler(router)
      .listen(0, "127.0.0.1"));
    try (FrameClient client = FrameClient.connect(vertx, server.actualPort())) {
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      return FrameFormat.decode(client.nextBinary()).header().sequence();
    } finally {
      mount.unmount();
      await(server.close());
    }
  }
}
