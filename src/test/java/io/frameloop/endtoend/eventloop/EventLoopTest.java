package io.frameloop.endtoend.eventloop;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Under a multi-session load of frames that take well over 50 ms each to process, a strict
 * blocked-thread checker (50 ms) stays quiet: OpenCV never runs on the event loop. Nor does
 * writing recordings.
 */
class EventLoopTest {

  /** Skips earlier replies: the newest frame of a burst is always answered. */
  private static void awaitSequence(FrameClient client, long sequence) {
    while (FrameFormat.decode(client.nextBinary()).header().sequence() != sequence) {
      // an older frame of the same burst, answered before the newest arrived
    }
  }

  /** Warns about an event loop busy for more than 50 ms, checking every 10 ms. */
  private static Vertx strictVertx() {
    return Vertx.vertx(new VertxOptions()
      .setMaxEventLoopExecuteTime(50).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
      .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
      .setWarningExceptionTime(10).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
  }

  private static List<String> blockedWarnings(CapturedLog log) {
    return log.messages(Level.WARNING).stream().filter(m -> m.contains("has been blocked")).toList();
  }

  @Test
  void strictBlockedThreadCheckerStaysQuietUnderLoad() throws Exception {
    CapturedLog log = CapturedLog.from(Level.WARNING);
    Vertx vertx = strictVertx();
    try {
      int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
      // A 1280x720 photo through Haar face detection and a large blur: far beyond 50 ms per frame.
      Mat big = new Mat();
      Imgproc.resize(Images.decode(Images.fixture("astronaut-640x480.jpg")), big, new Size(1280, 960));
      Buffer frame = Images.jpeg(big);
      JsonObject heavy = pipeline(op("faces").put("model", "haar"), op("blur").put("kernel", 41));
      List<FrameClient> clients = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        FrameClient client = FrameClient.connect(vertx, port);
        client.usePipeline(heavy);
        clients.add(client);
      }
      // Start-up (class loading, JIT, Netty's first allocations) is not what this test is about.
      for (FrameClient client : clients) {
        client.sendFramed(0, 0, frame);
        client.nextBinary();
      }
      int warmedUp = blockedWarnings(log).size();
      for (int round = 1; round <= 3; round++) {
        for (FrameClient client : clients) {
          client.sendFramed(round, 0, frame);
          client.sendFramed(round + 100, 0, frame); // one in processing, one waiting, some stale
        }
        for (FrameClient client : clients) {
          awaitSequence(client, round + 100);
        }
      }
      JsonObject stats = clients.get(0).nextStats(s -> s.getJsonObject("processMs").getLong("count") > 0);
      assertThat(stats.getJsonObject("processMs").getDouble("p50")).as("frames really take > 50 ms").isGreaterThan(50);
      clients.forEach(FrameClient::close);
      assertThat(blockedWarnings(log).subList(warmedUp, blockedWarnings(log).size())).as("blocked-thread warnings").isEmpty();
    } finally {
      log.close();
      await(vertx.close());
    }
  }

  @Test
  void recordingEightSessionsNeverBlocksTheEventLoop(@TempDir Path recordDir) {
    CapturedLog log = CapturedLog.from(Level.WARNING);
    Vertx vertx = strictVertx();
    try {
      int port = TestServers.start(vertx, TestServers.options(o -> {
        o.getSessionOptions().setMaxFps(0);
        o.getRecordingOptions().setRecordDir(recordDir.toString()).setRecordMaxSessions(8);
      })).actualPort();
      List<Buffer> frames = List.of(Images.fixture("astronaut-640x480.jpg"), Images.fixture("coffee-640x480.jpg"));
      List<FrameClient> clients = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        FrameClient client = FrameClient.connect(vertx, port);
        client.sendFramed(0, 0, frames.get(0)); // start-up is not what this test is about
        client.nextBinary();
        clients.add(client);
      }
      int warmedUp = blockedWarnings(log).size();
      for (FrameClient client : clients) {
        client.sendJson(new JsonObject().put("type", "record").put("enabled", true));
        assertThat(client.next("record").getBoolean("enabled")).isTrue();
      }
      int rounds = 40;
      for (int round = 1; round <= rounds; round++) {
        for (FrameClient client : clients) {
          client.sendFramed(round, round, frames.get(round % 2));
        }
        for (FrameClient client : clients) {
          awaitSequence(client, round);
        }
      }
      for (FrameClient client : clients) {
        client.sendJson(new JsonObject().put("type", "record").put("enabled", false));
        JsonObject stopped = client.next("record");
        assertThat(stopped.getLong("frames") + stopped.getLong("skipped")).as("every frame written or counted as skipped")
          .isEqualTo(rounds);
        client.close();
      }
      assertThat(blockedWarnings(log).subList(warmedUp, blockedWarnings(log).size())).as("blocked-thread warnings").isEmpty();
    } finally {
      log.close();
      await(vertx.close());
    }
  }
}
