package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The line a deployed FrameLoop logs says how many frames it has in the workers at most, as a sentence. */
@ExtendWith(VertxExtension.class)
class StartupLineTest {

  @Test
  void theStartupLineSaysHowManyFramesAreInFlightAtMost(Vertx vertx) {
    try (CapturedLog log = CapturedLog.from(Level.INFO)) {
      FrameLoop perWorker = await(FrameLoopBootstrap.deploy(vertx, TestServers.options()));
      assertThat(startupLine(log)).contains(": 2 worker verticles, at most one frame in flight per worker, OpenCV ");
      await(perWorker.close());
    }
    try (CapturedLog log = CapturedLog.from(Level.INFO)) {
      FrameLoop three = await(FrameLoopBootstrap.deploy(vertx, TestServers.options(o -> o.getWorkerOptions().setMaxInFlight(3))));
      assertThat(startupLine(log)).contains(": 2 worker verticles, at most 3 frames in flight, OpenCV ");
      await(three.close());
    }
    assertThat(FrameLoopBootstrap.framesInFlight(1)).isEqualTo("at most 1 frame in flight");
    assertThat(FrameLoopBootstrap.workerVerticles(1)).isEqualTo("1 worker verticle");
  }

  private static String startupLine(CapturedLog log) {
    return log.messages(Level.INFO).stream().filter(line -> line.startsWith("FrameLoop ") && line.contains("worker verticle"))
      .findFirst().orElseThrow(() -> new AssertionError("no startup line in " + log.messages(Level.INFO)));
  }
}
