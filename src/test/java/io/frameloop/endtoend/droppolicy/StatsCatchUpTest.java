package io.frameloop.endtoend.droppolicy;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 26, finding 15: a {@code stats} message skipped while the client was behind is still due.
 * Before, the skipped report counted as sent: once the client caught up, nothing had changed since
 * it, and the next {@code stats} came only at the quiet rate (every tenth interval).
 */
@ExtendWith(VertxExtension.class)
class StatsCatchUpTest {

  private static final long INTERVAL_MS = 500;
  private static final int FRAMES = 20;

  @Test
  void aClientThatCatchesUpHearsTheCountsItMissedAtTheNextInterval(Vertx vertx) throws Exception {
    // Replies of about a megabyte to a client with a small window: the session is behind at once.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0).setWriteQueueMaxBytes(64 * 1024).setStalledTimeoutSeconds(120)
        .setStatsIntervalMs(INTERVAL_MS);
      o.setPipeline(pipeline(op("resize").put("width", 1920)).put("quality", 100));
    })).actualPort();
    byte[] frame = FrameFormat.encode(new FrameHeader(1, 0), Images.noiseJpeg(640, 480, 90)).getBytes();
    try (RawWebSocket client = RawWebSocket.connect(port, "/frames", 16 * 1024)) {
      for (int i = 0; i < FRAMES; i++) {
        client.send(RawWebSocket.BINARY, frame);
      }
      Wait.until("every frame answered, dropped or refused", FrameClient.TIMEOUT, Duration.ofMillis(100), () -> {
        Metrics metrics = Metrics.scrape(port);
        return metrics.valueOr("frameloop_frames_in_total", 0) == FRAMES
          && metrics.valueOr("frameloop_frames_out_total", 0) + metrics.sum("frameloop_frames_dropped_total")
          + metrics.sum("frameloop_errors_total") >= FRAMES;
      });
      // A few intervals while still behind: their stats are skipped (the last change is in the skipped one).
      Thread.sleep(3 * INTERVAL_MS);
      long reading = System.nanoTime();
      JsonObject caughtUp = null;
      while (caughtUp == null) {
        RawWebSocket.Message message = client.readMessage();
        assertThat(message).as("the connection stays open").isNotNull();
        if (message.opcode() == RawWebSocket.TEXT) {
          JsonObject json = new JsonObject(message.text());
          if ("stats".equals(json.getString("type")) && json.getLong("in") == FRAMES) {
            caughtUp = json;
          }
        }
      }
      long waitedMs = (System.nanoTime() - reading) / 1_000_000;
      // At the quiet rate it would be up to ten intervals (5 s) after the skipped one.
      assertThat(waitedMs).as("ms from catching up to the stats with every frame counted")
        .isLessThan(5 * INTERVAL_MS);
      assertThat(caughtUp.getLong("out") + caughtUp.getLong("droppedTotal") + caughtUp.getLong("errors"))
        .isEqualTo(FRAMES);
    }
  }
}
