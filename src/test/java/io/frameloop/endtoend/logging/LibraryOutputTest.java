package io.frameloop.endtoend.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.Await;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Library code leaves the host app's standard output alone: everything it says goes to its logger. */
@ExtendWith(VertxExtension.class)
class LibraryOutputTest {

  @Test
  void startingServingAndStoppingPrintNothing(Vertx vertx) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      FrameLoopVerticle server = TestServers.start(vertx, TestServers.options());
      try (FrameClient client = FrameClient.connect(vertx, server.actualPort())) {
        client.sendFramed(1, 0, Images.leftRedRightBlue());
        client.nextBinary();
      }
      Await.await(vertx.undeploy(server.deploymentID()));
    } finally {
      System.setOut(stdout);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
