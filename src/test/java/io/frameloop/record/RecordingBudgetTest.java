package io.frameloop.record;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recordTotalMaxBytes} across all recordings of a server, and who may read them: files 0600, directories 0700. */
class RecordingBudgetTest {

  private static final JsonObject RECORD_ON = new JsonObject().put("type", "record").put("enabled", true);
  private static final JsonObject RECORD_OFF = new JsonObject().put("type", "record").put("enabled", false);
  private static final Buffer JPEG = Images.fixture("astronaut-640x480.jpg");

  @TempDir
  Path temp;
  private Path recordDir;
  private Vertx vertx;

  @BeforeEach
  void start() {
    recordDir = temp.resolve("recordings"); // not there yet: the server makes it
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private int server(long totalMaxBytes) {
    return TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getRecordingOptions().setRecordDir(recordDir.toString()).setRecordTotalMaxBytes(totalMaxBytes);
    })).actualPort();
  }

  private static void send(FrameClient client, int sequence) {
    client.sendFramed(sequence, sequence, JPEG);
    assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(sequence);
  }

  private List<Path> recordings() throws IOException {
    try (Stream<Path> entries = Files.list(recordDir)) {
      return entries.toList();
    }
  }

  @Test
  void onlyTheServersUserMayReadARecording() throws IOException {
    try (FrameClient client = FrameClient.connect(vertx, server(RecordingOptions.DEFAULT_RECORD_TOTAL_MAX_BYTES))) {
      client.usePipeline(pipeline(op("faces")).put("reply", "both"));
      client.sendJson(RECORD_ON);
      Path dir = recordDir.resolve(client.next("record").getString("id"));
      send(client, 0);
      client.usePipeline(pipeline(op("gray")));
      send(client, 1);
      client.sendJson(RECORD_OFF);
      assertThat(client.next("record").getLong("frames")).isEqualTo(2);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(recordDir))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> all = files.toList();
        assertThat(all).extracting(file -> file.getFileName().toString()).contains(RecordingFormat.INDEX,
          RecordingFormat.SESSION, RecordingFormat.RESULTS, RecordingFormat.PIPELINES, RecordingFormat.frameFile(1),
          RecordingFormat.frameFile(2)).doesNotContain(RecordingFormat.INCOMPLETE);
        for (Path file : all) {
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
      }
      assertThat(Files.readAllLines(dir.resolve(RecordingFormat.PIPELINES))).singleElement().asString().contains("gray");
    }
  }

  @Test
  void aStartIsRefusedWhenTheRecordingsTogetherReachTheBudget() throws IOException {
    Path old = Files.createDirectories(recordDir.resolve("rec-old"));
    Files.write(old.resolve(RecordingFormat.frameFile(1)), new byte[600 * 1024]);
    try (FrameClient client = FrameClient.connect(vertx, server(512 * 1024))) {
      client.sendJson(RECORD_ON);
      JsonObject refused = client.next("error");
      assertThat(refused.getString("code")).isEqualTo("record_refused");
      assertThat(refused.getString("message")).contains("recordTotalMaxBytes (524288 bytes)").doesNotContain(temp.toString());
      assertThat(recordings()).containsExactly(old);
      send(client, 0); // the session goes on
    }
    assertThat(Files.size(old.resolve(RecordingFormat.frameFile(1)))).as("nothing deleted").isEqualTo(600 * 1024);
  }

  @Test
  void runningRecordingsStopTogetherAtTheBudgetAndMovingOneAwayMakesRoom() throws IOException {
    long budget = 1024 * 1024;
    int port = server(budget);
    try (FrameClient first = FrameClient.connect(vertx, port); FrameClient second = FrameClient.connect(vertx, port)) {
      first.sendJson(RECORD_ON);
      String firstId = first.next("record").getString("id");
      second.sendJson(RECORD_ON);
      second.next("record");
      JsonObject firstStopped = null;
      JsonObject secondStopped = null;
      for (int i = 0; (firstStopped == null || secondStopped == null) && i < 100; i++) {
        if (firstStopped == null) {
          send(first, i);
          firstStopped = first.pollJson("record", Duration.ofMillis(20));
        }
        if (secondStopped == null) {
          send(second, i);
          secondStopped = second.pollJson("record", Duration.ofMillis(20));
        }
      }
      assertThat(firstStopped).as("the first recording stops").isNotNull();
      assertThat(secondStopped).as("the second recording stops").isNotNull();
      assertThat(firstStopped.getString("reason")).contains("recordTotalMaxBytes");
      assertThat(secondStopped.getString("reason")).contains("recordTotalMaxBytes");
      // Each alone is far under recordMaxBytes (256 MiB); together they keep to the budget.
      assertThat(firstStopped.getLong("bytes") + secondStopped.getLong("bytes")).isLessThanOrEqualTo(budget)
        .isGreaterThan(budget - 2 * RecordingFormat.frameCost(JPEG.length()));
      assertThat(firstStopped.getLong("frames")).isPositive();
      assertThat(secondStopped.getLong("frames")).isPositive();

      first.sendJson(RECORD_ON);
      assertThat(first.next("error").getString("message")).contains("recordTotalMaxBytes");
      try (Stream<Path> files = Files.list(recordDir.resolve(firstId))) { // an operator moves one away
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(recordDir.resolve(firstId));
      first.sendJson(RECORD_ON);
      JsonObject answer = first.nextOf("record", "error");
      assertThat(answer.getBoolean("enabled")).as(answer.encode()).isTrue();
    }
  }

  @Test
  void budgetOptionsOutOfRangeAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> new RecordingOptions().setRecordTotalMaxBytes(1000))
      .hasMessageContaining("recordTotalMaxBytes must be between 65536");
    assertThatThrownBy(() -> new RecordingOptions().setRecordMinFreeBytes(-1))
      .hasMessageContaining("recordMinFreeBytes must be between 0");
    assertThatThrownBy(() -> new RecordingOptions(new JsonObject().put("recordMinFreeBytes", "lots")))
      .hasMessageContaining("recordMinFreeBytes");
    RecordingOptions options = new RecordingOptions(new JsonObject().put("recordTotalMaxBytes", 1L << 33)
      .put("recordMinFreeBytes", 0));
    assertThat(options.getRecordTotalMaxBytes()).isEqualTo(1L << 33);
    assertThat(options.getRecordMinFreeBytes()).isZero();
    assertThat(new RecordingOptions(options).toJson().getLong("recordTotalMaxBytes")).isEqualTo(1L << 33);
  }

  @Test
  void theMeasureKeepsCompletedRecordingsButSeesEveryChange() throws IOException {
    RecordingUsage usage = new RecordingUsage();
    assertThat(usage.measure(recordDir)).as("no directory yet").isZero();
    Path done = Files.createDirectories(recordDir.resolve("rec-done"));
    Files.write(done.resolve(RecordingFormat.frameFile(1)), new byte[10_000]);
    Files.write(done.resolve(RecordingFormat.frameFile(2)), new byte[100]); // counted as a block
    Path running = Files.createDirectories(recordDir.resolve("rec-running"));
    Files.write(running.resolve(RecordingFormat.INCOMPLETE), new byte[10]);
    Files.write(running.resolve(RecordingFormat.RESULTS), new byte[5000]);
    Files.createSymbolicLink(running.resolve(RecordingFormat.frameFile(1)), Path.of("/dev/zero")); // not followed, not counted
    assertThat(usage.measure(recordDir)).isEqualTo(10_000 + 4096 + 4096 + 5000);
    // A running recording's file grows without its directory changing: it is measured again.
    Files.write(running.resolve(RecordingFormat.RESULTS), new byte[3000], StandardOpenOption.APPEND);
    assertThat(usage.measure(recordDir)).isEqualTo(10_000 + 4096 + 4096 + 8000);
    // A completed one with a file added, then one removed whole.
    Files.write(done.resolve(RecordingFormat.frameFile(3)), new byte[20_000]);
    assertThat(usage.measure(recordDir)).isEqualTo(30_000 + 4096 + 4096 + 8000);
    for (Path file : List.of(done.resolve(RecordingFormat.frameFile(1)), done.resolve(RecordingFormat.frameFile(2)),
      done.resolve(RecordingFormat.frameFile(3)), done)) {
      Files.delete(file);
    }
    assertThat(usage.measure(recordDir)).isEqualTo(4096 + 8000);
  }
}
