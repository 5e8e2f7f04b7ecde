package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Under a multi-session load of frames that take well over 50 ms each to process, a strict
 * blocked-thread checker (50 ms) stays quiet: OpenCV never runs on the event loop.
 */
class EventLoopTest {

  /** Skips earlier replies: the newest frame of a burst is always answered. */
  private static void awaitSequence(FrameClient client, long sequence) {
    while (FrameFormat.decode(client.nextBinary()).header().sequence() != sequence) {
      // an older frame of the same burst, answered before the newest arrived
    }
  }

  @Test
  void strictBlockedThreadCheckerStaysQuietUnderLoad() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        String message = record.getMessage() == null ? "" : record.getMessage();
        if (message.contains("has been blocked")) {
          warnings.add(record.getLoggerName() + ": " + message);
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    Vertx vertx = Vertx.vertx(new VertxOptions()
      .setMaxEventLoopExecuteTime(50).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
      .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
      .setWarningExceptionTime(10).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    try {
      int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
      // A 1280x720 photo through Haar face detection and a large blur: far beyond 50 ms per frame.
      Mat big = new Mat();
      Imgproc.resize(Images.decode(Images.fixture("astronaut-640x480.jpg")), big, new org.opencv.core.Size(1280, 960));
      Buffer frame = Images.jpeg(big);
      JsonObject heavy = new JsonObject().put("ops", new JsonArray()
        .add(new JsonObject().put("op", "faces").put("model", "haar"))
        .add(new JsonObject().put("op", "blur").put("kernel", 41)));
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
      warnings.clear();
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
      assertThat(warnings).as("blocked-thread warnings").isEmpty();
    } finally {
      root.removeHandler(capture);
      await(vertx.close());
    }
  }
}
