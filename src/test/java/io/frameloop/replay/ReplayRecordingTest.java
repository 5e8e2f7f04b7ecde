package io.frameloop.replay;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.record.RecordingReader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.ReplayCli;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Recording sessions the replay client sends, and replaying a recording with its own timing. */
@ExtendWith(VertxExtension.class)
class ReplayRecordingTest {

  /** Irregular gaps, ms, like a camera page's: jitter, a pause, a burst. */
  private static final long[] GAPS_MS = {30, 45, 20, 160, 35, 35, 10, 90, 40, 25, 120, 30};

  @TempDir
  Path recordDir;

  private int server(Vertx vertx) {
    return TestServers.start(vertx, TestServers.options(o -> o.getRecordingOptions().setRecordDir(recordDir.toString())))
      .actualPort();
  }

  /** Waits until the server has closed the recording (its session.json has the final counts). */
  static RecordingReader.Recorded closedRecording(Path dir) {
    Wait.until("the recording closed (stoppedAt in " + dir.resolve("session.json") + ")", Wait.LIMIT, Duration.ofMillis(50), () -> {
      try {
        return Files.readString(dir.resolve("session.json")).contains("stoppedAt");
      } catch (IOException notWrittenYet) {
        return false;
      }
    });
    return RecordingReader.read(dir, 100_000);
  }

  @Test
  void theReplayClientsSessionsAreRecordedFrameForFrame(Vertx vertx) {
    int port = server(vertx);
    FrameSource source = FrameSource.synthetic(320, 240, 12);
    ReplayRunner runner = new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + port + "/frames"), source, 2, 20, 0,
      Duration.ofSeconds(2), null, line -> { }).record(true);
    ReplayReport report = await(runner.run());
    assertThat(report.sent()).isPositive();
    for (int i = 0; i < 2; i++) {
      ReplaySession session = runner.sessions().get(i);
      RecordingReader.Recorded recorded = closedRecording(recordDir.resolve(runner.recordingIds().get(i)));
      assertThat(recorded.frames()).as("session %d: every frame sent", i).hasSize((int) session.sent);
      assertThat(recorded.session().getLong("skipped")).isZero();
      long previousArrival = -1;
      long previousTimestamp = Long.MIN_VALUE;
      for (int k = 0; k < recorded.frames().size(); k++) {
        RecordingReader.Frame frame = recorded.frames().get(k);
        assertThat(frame.sequence()).isEqualTo(k);
        // Session i starts at source frame i and sends them in order (open loop: every one).
        assertThat(frame.jpeg().getBytes()).isEqualTo(source.frames().get((i + k) % source.frames().size()).getBytes());
        assertThat(frame.arrivalMicros()).isGreaterThan(previousArrival);
        assertThat(frame.clientTimestamp()).isGreaterThan(previousTimestamp);
        previousArrival = frame.arrivalMicros();
        previousTimestamp = frame.clientTimestamp();
      }
    }
  }

  /** A session sent with {@link #GAPS_MS} between frames and a pipeline change after the sixth. */
  private Path recordIrregularSession(Vertx vertx, int port) throws InterruptedException {
    List<Buffer> fixtures = List.of(Images.fixture("astronaut-640x480.jpg"), Images.fixture("coffee-640x480.jpg"));
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendJson(new JsonObject().put("type", "record").put("enabled", true));
      String id = client.next("record").getString("id");
      for (int i = 0; i <= GAPS_MS.length; i++) {
        client.sendFramed(i, i, fixtures.get(i % 2));
        if (i == 5) {
          client.sendJson(pipeline(op("gray")).put("type", "pipeline"));
        }
        if (i < GAPS_MS.length) {
          Thread.sleep(GAPS_MS[i]);
        }
      }
      while (client.pollBinary(Duration.ofMillis(300)) != null) {
        // the replies: not what this test is about
      }
      client.sendJson(new JsonObject().put("type", "record").put("enabled", false));
      assertThat(client.next("record").getLong("frames")).isEqualTo(GAPS_MS.length + 1);
      return recordDir.resolve(id);
    }
  }

  @Test
  void aRecordingIsReplayedWithItsGapsAndPipelineChanges(Vertx vertx) throws Exception {
    int port = server(vertx);
    Path recording = recordIrregularSession(vertx, port);
    FrameSource source = FrameSource.open(recording.toString());
    long[] arrivals = source.timing().arrivalMicros();
    double speed = 2.0;
    ReplayRunner runner = new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + port + "/frames"), source, 3, 15, 0,
      Duration.ofSeconds(20), null, line -> { }).timing(true, speed).stagger(Duration.ofMillis(70)).record(true);
    ReplayReport report = await(runner.run());
    assertThat(report.seconds()).as("once through the recording, not the whole --duration").isLessThan(10);
    List<Double> errorsMs = new ArrayList<>();
    for (ReplaySession session : runner.sessions()) {
      assertThat(session.sent).isEqualTo(arrivals.length);
      List<long[]> sends = session.sendLog;
      for (int k = 1; k < sends.size(); k++) {
        assertThat(sends.get(k)[0]).isEqualTo(k);
        double sentGapMs = (sends.get(k)[1] - sends.get(k - 1)[1]) / 1e6;
        double recordedGapMs = (arrivals[k] - arrivals[k - 1]) / 1000.0 / speed;
        errorsMs.add(Math.abs(sentGapMs - recordedGapMs));
      }
      // The re-recording of the replayed session has the recorded pipeline change, before the same frame.
      RecordingReader.Recorded again = closedRecording(recordDir.resolve(session.recordingId));
      JsonArray changes = again.session().getJsonArray("pipelineChanges");
      assertThat(changes.size()).isEqualTo(1);
      assertThat(changes.getJsonObject(0).getJsonObject("pipeline").getJsonArray("ops").getJsonObject(0).getString("op"))
        .isEqualTo("gray");
      assertThat(RecordedTiming.of(again).changes().get(0).beforeFrame()).isEqualTo(source.timing().changes().get(0).beforeFrame());
    }
    // Each frame is due at an absolute time (start + recorded offset / speed), so errors never add
    // up; a send is late by the timer's 1 ms granularity plus however long the event loop was busy.
    // The median allows for that; the maximum for a stall of the shared 2-core test machine.
    double[] sorted = errorsMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    assertThat(sorted[sorted.length / 2]).as("median |sent gap - recorded gap / speed|, ms: %s", Arrays.toString(sorted))
      .isLessThan(5);
    assertThat(sorted[sorted.length - 1]).as("largest, ms").isLessThan(100);
  }

  @Test
  void theCommandLineReplaysARecordingOncePerSession(Vertx vertx) throws Exception {
    int port = server(vertx);
    Path recording = recordIrregularSession(vertx, port);
    Path json = recordDir.resolve("summary.json");
    String printed = ReplayCli.replay("--url", "ws://127.0.0.1:" + port + "/frames", "--source", recording.toString(),
      "--sessions", "2", "--speed", "4", "--stagger", "50ms", "--window", "0", "--duration", "20s", "--json", json.toString());
    assertThat(printed).contains("the recorded timing at speed 4.0").contains("1 pipeline changes");
    assertThat(new JsonObject(Files.readString(json)).getLong("sent")).isEqualTo(2L * (GAPS_MS.length + 1));

    URI url = URI.create("ws://127.0.0.1:" + port + "/frames");
    assertThatThrownBy(() -> new ReplayRunner(vertx, url, FrameSource.synthetic(64, 64, 2), 1, 10, 1, Duration.ofSeconds(1),
      null, line -> { }).timing(true, 1)).hasMessageContaining("needs a recording");
    assertThatThrownBy(() -> new ReplayRunner(vertx, url, FrameSource.open(recording.toString()), 1, 10, 1,
      Duration.ofSeconds(1), null, line -> { }).adaptive(150).run()).hasMessageContaining("--timing fixed");
  }
}
