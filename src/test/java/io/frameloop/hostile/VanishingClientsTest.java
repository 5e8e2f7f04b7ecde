package io.frameloop.hostile;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.image.NativeMats;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.SlowOpFactory;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that vanish (TCP reset) while their frames are in the workers: a normal event, not an
 * error. The sessions end, native memory returns to where it was, the counts add up and the
 * server logs no warning or error.
 */
@ExtendWith(VertxExtension.class)
class VanishingClientsTest {

  @Test
  void clientsResetMidFrameEndCleanly(Vertx vertx) throws Exception {
    FrameLoopOptions options = TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getWorkerOptions().setWorkerInstances(4).setAddress("frameloop.vanishing");
      o.setPipeline(pipeline(op("resize").put("width", 320), op("slow").put("ms", 40)));
    });
    OpRegistry registry = OpRegistry.withDefaults(Path.of(options.getFaceOptions().getFaceCascade())).register(new SlowOpFactory());
    FrameLoopVerticle server = TestServers.start(vertx, options, registry);
    int port = server.actualPort();
    byte[] frame = FrameFormat.encode(new FrameHeader(1, 0), Images.leftRedRightBlue()).getBytes();
    try (FrameClient warmup = FrameClient.connect(vertx, port)) {
      warmup.sendFramed(1, 0, Images.leftRedRightBlue());
      warmup.nextBinary();
    }
    Wait.until("no session left after the warm-up", () -> server.frameLoop().sessionCount() == 0);
    long matsBefore = NativeMats.live();

    CapturedLog log = CapturedLog.from(Level.WARNING);
    try {
      for (int round = 0; round < 4; round++) {
        List<RawWebSocket> clients = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          RawWebSocket client = RawWebSocket.connect(port, "/frames");
          client.send(RawWebSocket.BINARY, frame);
          client.send(RawWebSocket.BINARY, frame);
          clients.add(client);
        }
        // Each vanishes at some point of its frames' way through the server: queued, in a worker, answered.
        for (RawWebSocket client : clients) {
          Thread.sleep(ThreadLocalRandom.current().nextInt(15));
          client.reset();
        }
      }
      Wait.until("no session left once every client vanished", () -> server.frameLoop().sessionCount() == 0);
      Wait.until("no worker busy", () -> busy(port) == 0);
      Thread.sleep(300); // late results still on their way back to closed sessions
    } finally {
      log.close();
    }
    assertThat(log.messages(Level.WARNING)).as("warnings and errors logged").isEmpty();
    assertThat(NativeMats.live()).isEqualTo(matsBefore);
    Metrics metrics = Metrics.scrape(port);
    double in = metrics.value("frameloop_frames_in_total");
    double accounted = metrics.value("frameloop_frames_out_total") + metrics.sum("frameloop_frames_dropped_total{")
      + metrics.sum("frameloop_errors_total{");
    // At most 4 x 25 clients x 2 frames and the warm-up's: a reset discards what the server had not read yet.
    assertThat(in).isBetween(101.0, 201.0);
    assertThat(accounted).as("every frame received is answered, dropped or an error").isEqualTo(in);
    assertThat(metrics.value("frameloop_frames_dropped_total{reason=\"closed\"}"))
      .as("some clients left while their frame waited or was in a worker").isPositive();
  }

  private static double busy(int port) {
    return Metrics.scrape(port).value("frameloop_workers_busy");
  }
}
