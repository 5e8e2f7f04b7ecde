package io.frameloop.record;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.replay.FrameSource;
import io.frameloop.replay.RecordedTiming;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.Images;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording server killed with SIGKILL mid-recording: it never completes {@code session.json},
 * yet the pipeline changes are on disk ({@code pipelines.jsonl}, appended as they happen) and the
 * replay of the recording sends the pipeline the session really used.
 */
class RecordingKillTest {

  private static final Buffer JPEG = Images.fixture("coffee-640x480.jpg");

  @TempDir
  Path recordDir;

  private static void send(FrameClient client, int from, int count) {
    for (int i = from; i < from + count; i++) {
      client.sendFramed(i, 1_000_000L + i * 40L, JPEG);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(i);
    }
  }

  private static long indexRows(Path dir) {
    try {
      return Files.readAllLines(dir.resolve(RecordingFormat.INDEX)).size() - 1L;
    } catch (IOException notYet) {
      return -1;
    }
  }

  @Test
  void aPipelineChangeMadeBeforeKill9IsReplayed() throws Exception {
    Vertx vertx = Vertx.vertx();
    Path dir;
    try (ForkedServer server = ForkedServer.start("recording-kill", "256m",
      Map.of("FRAMELOOP_RECORD_DIR", recordDir.toString(), "FRAMELOOP_MAX_FPS", "0"))) {
      try (FrameClient client = FrameClient.connect(vertx, server.port())) {
        client.usePipeline(pipeline(op("flip")));
        client.sendJson(new JsonObject().put("type", "record").put("enabled", true));
        dir = recordDir.resolve(client.next("record").getString("id"));
        send(client, 0, 6);
        client.usePipeline(pipeline(op("gray")));
        send(client, 6, 6);
        // Every row on disk, as the finding had it; the change was queued before the last six frames.
        Wait.until("the 12 index rows on disk", Wait.LIMIT, Duration.ofMillis(20), () -> indexRows(dir) == 12);
        server.close(); // SIGKILL: nothing of the server runs after it
        assertThat(server.isAlive()).isFalse();
      }
    } finally {
      await(vertx.close());
    }
    JsonObject session = new JsonObject(Files.readString(dir.resolve(RecordingFormat.SESSION)));
    assertThat(session.containsKey("stoppedAt")).as("session.json is the start version").isFalse();
    assertThat(dir.resolve(RecordingFormat.INCOMPLETE)).exists();

    RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
    assertThat(recorded.frames()).hasSize(12);
    assertThat(recorded.warnings()).anyMatch(warning -> warning.contains(RecordingFormat.INCOMPLETE));
    FrameSource source = FrameSource.recording(dir);
    RecordedTiming timing = source.timing();
    assertThat(timing.pipeline().getJsonArray("ops").getJsonObject(0).getString("op")).isEqualTo("flip");
    assertThat(timing.changes()).as("the change the session made, before its seventh frame").singleElement()
      .satisfies(change -> {
        assertThat(change.beforeFrame()).isEqualTo(6);
        assertThat(change.pipeline().getJsonArray("ops").getJsonObject(0).getString("op")).isEqualTo("gray");
      });
  }
}
