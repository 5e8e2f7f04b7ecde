package io.frameloop.endtoend.deployment;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.CloseCodes;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.session.FrameSession;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 27 part 2 from outside, as a deploy stops a node: SIGTERM to the server's own JVM (the
 * command line, default {@code drainGraceMs}) while a session has frames in its server. The
 * session hears {@code goaway}, gets every frame it sent answered, and closes with 1012; the
 * process then exits, with nothing logged at WARNING or above during the drain.
 */
@ExtendWith(VertxExtension.class)
class SigtermDrainTest {

  @Test
  void sigtermDrainsTheSessionAnsweringItsFramesThen1012(Vertx vertx) throws Exception {
    // A budget above the heavy pipeline's prediction (345 ms): this test is about the drain, not the budget.
    try (ForkedServer server = ForkedServer.start("sigterm-drain", "512m", Map.of("FRAMELOOP_MAX_FRAME_COST_MS", "5000"))) {
      int port = server.port();
      assertThat(Http.get(port, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(Http.get(port, "/health/live").statusCode()).isEqualTo(200);
      try (FrameClient client = FrameClient.connect(vertx, port)) {
        // Heavy enough that the frames are still in the server when the signal comes.
        client.usePipeline(pipeline(op("resize").put("width", 1920), op("blur").put("kernel", 99),
          op("blur").put("kernel", 99)));
        Buffer frame = Images.fixture("coffee-640x480.jpg");
        client.sendFramed(1, 0, frame);
        client.sendFramed(2, 0, frame);
        client.arrivals();
        int logBefore = server.log().length();
        int exit = server.terminate();

        Wait.until("the session is closed", client::isClosed);
        assertThat(client.closeStatus()).isEqualTo(CloseCodes.SERVICE_RESTART);
        assertThat(client.closeReason()).isEqualTo(FrameSession.DRAINED_REASON);
        List<String> arrivals = client.arrivals();
        assertThat(arrivals).contains("goaway");
        Set<Long> answered = new HashSet<>();
        while (client.pendingBinary() > 0) {
          answered.add(FrameFormat.decode(client.nextBinary()).header().sequence());
        }
        assertThat(answered).as("every frame sent before the signal is answered").containsExactlyInAnyOrder(1L, 2L);
        assertThat(arrivals.indexOf("goaway")).as("goaway comes before the last answer")
          .isLessThan(arrivals.lastIndexOf("binary"));
        assertThat(server.isAlive()).isFalse();
        assertThat(exit).as("the JVM's exit on SIGTERM after its hooks").isEqualTo(143);
        String drainLog = server.log().substring(logBefore);
        assertThat(drainLog).as("a normal drain logs nothing at WARNING or above").doesNotContain("WARNING", "SEVERE");
      }
    }
  }
}
