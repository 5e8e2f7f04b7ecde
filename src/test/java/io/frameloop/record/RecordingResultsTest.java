package io.frameloop.record;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code results.jsonl}: the results messages a recording keeps, written by the recorder's real
 * writer thread to a real directory, read back by {@link RecordingReader}, and its limits. (That
 * the server hands a session's results messages to its recording, end to end, is in
 * {@code ReplayResultsTest}.)
 */
class RecordingResultsTest {

  @TempDir
  Path recordDir;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private Recorder recorder(long maxBytes) {
    return Recorder.create(vertx, new RecordingOptions().setRecordDir(recordDir.toString()).setRecordMaxBytes(maxBytes));
  }

  /** A results message as the server sends one: a face with its keypoints, and about {@code 2 * padding} bytes of a plug-in's own data. */
  private static JsonObject results(Long seq, int padding) {
    JsonObject message = new JsonObject().put("type", "results");
    if (seq != null) {
      message.put("seq", seq).put("timestamp", 1_733_300_000_000L + seq);
    }
    message.put("width", 640).put("height", 480).put("detections", new JsonArray().add(new JsonObject().put("op", "faces")
      .put("label", "face").put("score", 0.93).put("box", new JsonArray().add(260).add(90).add(120).add(150))
      .put("keypoints", new JsonArray().add(new JsonArray().add(300).add(140)).add(new JsonArray().add(350).add(141)))));
    if (padding > 0) {
      message.put("data", new JsonObject().put("probe", new JsonObject().put("note", "é\"\n".repeat(padding / 3))));
    }
    return message;
  }

  @Test
  void resultsMessagesAreKeptAsSentOneLineEachAndReadBack() throws Exception {
    Recorder recorder = recorder(RecordingOptions.DEFAULT_RECORD_MAX_BYTES);
    Recording recording = await(recorder.start(pipeline(op("faces")).put("reply", "both")));
    List<JsonObject> sent = List.of(results(7L, 0), results(8L, 30), results(null, 0));
    for (JsonObject message : sent) {
      assertThat(recording.results(message)).isNull();
    }
    JsonObject summary = await(recording.stop("stopped by the client"));
    assertThat(summary.getLong("results")).isEqualTo(3);
    assertThat(summary.getLong("resultsSkipped")).isZero();

    Path dir = recordDir.resolve(recording.id());
    List<String> lines = Files.readAllLines(dir.resolve(RecordingFormat.RESULTS), StandardCharsets.UTF_8);
    assertThat(lines).as("as sent: the message's JSON, one a line, in order (a newline in a string stays escaped)")
      .containsExactly(sent.stream().map(JsonObject::encode).toArray(String[]::new));
    RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
    assertThat(recorded.results()).containsExactlyElementsOf(sent);
    assertThat(recorded.session().getLong("results")).isEqualTo(3);
    long lineBytes = sent.stream().mapToLong(m -> RecordingFormat.resultsCost(m.toBuffer().length())).sum();
    assertThat(recorded.session().getLong("bytes")).as("results lines count in the recording's bytes").isEqualTo(lineBytes);
    await(recorder.close());
  }

  @Test
  void resultsCountAgainstRecordMaxBytesAndTheRecordingStopsThere() throws Exception {
    long maxBytes = 64 * 1024;
    Recorder recorder = recorder(maxBytes);
    Recording recording = await(recorder.start(pipeline(op("faces"))));
    JsonObject message = results(1L, 900);
    long cost = RecordingFormat.resultsCost(message.toBuffer().length());
    String reason = null;
    int accepted = 0;
    for (int i = 0; reason == null && i < 1000; i++) {
      reason = recording.results(message);
      accepted += reason == null ? 1 : 0;
    }
    assertThat(reason).contains("recordMaxBytes").contains(Long.toString(maxBytes));
    assertThat(accepted * cost).isLessThanOrEqualTo(maxBytes).isGreaterThan(maxBytes - cost);
    JsonObject summary = await(recording.stop(reason));
    assertThat(summary.getLong("results")).isEqualTo(accepted);
    assertThat(summary.getLong("bytes")).isLessThanOrEqualTo(maxBytes);
    assertThat(RecordingReader.read(recordDir.resolve(recording.id()), 10_000).results()).hasSize(accepted);
    await(recorder.close());
  }

  @Test
  void whenTheWriterIsBehindResultsAreSkippedAndCountedNotQueuedWithoutBound() throws Exception {
    Recorder recorder = recorder(RecordingOptions.DEFAULT_RECORD_MAX_BYTES);
    Recording recording = await(recorder.start(pipeline(op("faces"))));
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    vertx.createSharedWorkerExecutor(Recorder.WRITER_POOL, 1).executeBlocking(() -> {
      busy.countDown();
      return done.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }, false);
    assertThat(busy.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    JsonObject message = results(1L, 8000); // about 16 KB: a recording's share of the queue (2 MiB) holds about 130
    int sent = 600;
    for (int i = 0; i < sent; i++) {
      assertThat(recording.results(message)).isNull();
    }
    done.countDown();
    JsonObject summary = await(recording.stop("stopped by the client"));
    assertThat(summary.getLong("resultsSkipped")).as("skipped while the writer was behind").isPositive();
    assertThat(summary.getLong("results") + summary.getLong("resultsSkipped")).isEqualTo(sent);
    assertThat(RecordingReader.read(recordDir.resolve(recording.id()), 10_000).results())
      .hasSize((int) (long) summary.getLong("results"));
    await(recorder.close());
  }

  @Test
  void aResultsLineThatIsNoJsonObjectIsAnErrorNamingItsLineAndARecordingWithoutTheFileHasNoResults() throws Exception {
    Recorder recorder = recorder(RecordingOptions.DEFAULT_RECORD_MAX_BYTES);
    Recording recording = await(recorder.start(pipeline(op("faces"))));
    recording.results(results(1L, 0));
    await(recording.stop("stopped by the client"));
    await(recorder.close());
    Path dir = recordDir.resolve(recording.id());
    Path file = dir.resolve(RecordingFormat.RESULTS);

    Files.writeString(file, "[1,2]\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> RecordingReader.read(dir, 1000)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining(file + " line 2").hasMessageContaining("not a JSON object");

    Files.delete(file); // a recording made before results were kept
    RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
    assertThat(recorded.results()).isEmpty();
    assertThat(recorded.frames()).isEmpty();
  }
}
