package io.frameloop.record;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.Await;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording a session over a real WebSocket: what is written, and every limit. */
class RecordingTest {

  private static final JsonObject RECORD_ON = new JsonObject().put("type", "record").put("enabled", true);
  private static final JsonObject RECORD_OFF = new JsonObject().put("type", "record").put("enabled", false);
  private static final List<Buffer> FIXTURES = List.of(Images.fixture("astronaut-640x480.jpg"),
    Images.fixture("coffee-640x480.jpg"));

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

  private int server(long maxBytes, int maxFiles) {
    return start(maxBytes, maxFiles).actualPort();
  }

  /** A server that records into {@link #recordDir}; no frame rate limit, so that a test can send as fast as it likes. */
  private FrameLoopVerticle start(long maxBytes, int maxFiles) {
    return TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getRecordingOptions().setRecordDir(recordDir.toString()).setRecordMaxBytes(maxBytes).setRecordMaxFiles(maxFiles);
    }));
  }

  /** The files this process has open (Linux: the links in /proc/self/fd). */
  private static List<Path> openFiles() throws IOException {
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.map(fd -> {
        try {
          return Files.readSymbolicLink(fd);
        } catch (IOException closedMeanwhile) {
          return fd;
        }
      }).toList();
    }
  }

  private static long jpegFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".jpg")).count();
    }
  }

  /** Sends {@code count} frames one at a time (each answered before the next), timestamps increasing. */
  private static void sendFrames(FrameClient client, int from, int count) {
    for (int i = from; i < from + count; i++) {
      client.sendFramed(i, 1_000_000L + i * 40L, FIXTURES.get(i % FIXTURES.size()));
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(i);
    }
  }

  @Test
  void recordsTheFramesAsTheyArrivedAndThePipelineChanges() {
    try (FrameClient client = FrameClient.connect(vertx, server(RecordingOptions.DEFAULT_RECORD_MAX_BYTES, 10))) {
      assertThat(client.hello().getBoolean("recording")).isTrue();
      sendFrames(client, 0, 2); // before the recording: not in it
      client.sendJson(RECORD_ON);
      JsonObject started = client.next("record");
      assertThat(started.getBoolean("enabled")).isTrue();
      assertThat(started.getString("id")).matches("rec-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}");
      sendFrames(client, 2, 5);
      client.usePipeline(pipeline(op("gray")));
      sendFrames(client, 7, 5);
      JsonObject stats = client.nextStats(s -> s.containsKey("recording") && s.getJsonObject("recording").getLong("frames") == 10);
      assertThat(stats.getJsonObject("recording").getLong("bytes")).isPositive();
      client.sendJson(RECORD_OFF);
      JsonObject stopped = client.next("record");
      assertThat(stopped.getBoolean("enabled")).isFalse();
      assertThat(stopped.getLong("frames")).isEqualTo(10);
      assertThat(stopped.getLong("skipped")).isZero();

      RecordingReader.Recorded recorded = RecordingReader.read(recordDir.resolve(started.getString("id")), 1000);
      assertThat(recorded.frames()).hasSize(10);
      for (int i = 0; i < 10; i++) {
        RecordingReader.Frame frame = recorded.frames().get(i);
        assertThat(frame.sequence()).isEqualTo(i + 2);
        assertThat(frame.clientTimestamp()).isEqualTo(1_000_000L + (i + 2) * 40L);
        assertThat(frame.jpeg().getBytes()).as("frame %d byte for byte", i).isEqualTo(FIXTURES.get((i + 2) % 2).getBytes());
        if (i > 0) {
          assertThat(frame.arrivalMicros()).isGreaterThan(recorded.frames().get(i - 1).arrivalMicros());
        }
      }
      JsonObject session = recorded.session();
      assertThat(session.getString("format")).isEqualTo(RecordingFormat.FORMAT);
      assertThat(session.getLong("frames")).isEqualTo(10);
      assertThat(session.getJsonObject("pipeline").getJsonArray("ops").getJsonObject(0).getString("op")).isEqualTo("resize");
      JsonObject change = session.getJsonArray("pipelineChanges").getJsonObject(0);
      assertThat(change.getJsonObject("pipeline").getJsonArray("ops").getJsonObject(0).getString("op")).isEqualTo("gray");
      assertThat(change.getDouble("arrival_ms") * 1000).isBetween((double) recorded.frames().get(4).arrivalMicros(),
        (double) recorded.frames().get(5).arrivalMicros());
    }
  }

  @Test
  void withoutRecordDirTheMessageIsRefused() {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertThat(client.hello().getBoolean("recording")).isFalse();
      client.sendJson(RECORD_ON);
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_message");
      assertThat(error.getString("message")).contains("recording is off").contains("recordDir");
      sendFrames(client, 0, 1); // the session goes on
    }
  }

  @Test
  void atRecordMaxBytesTheRecordingStopsAndTheSessionGoesOn() {
    long frameCost = RecordingFormat.frameCost(FIXTURES.get(0).length());
    long maxBytes = Math.max(64 * 1024, 3 * frameCost + 10); // room for three astronauts
    try (FrameClient client = FrameClient.connect(vertx, server(maxBytes, 10))) {
      client.sendJson(RECORD_ON);
      String id = client.next("record").getString("id");
      for (int i = 0; i < 12; i++) {
        client.sendFramed(i, i, FIXTURES.get(0));
        client.nextBinary();
      }
      JsonObject stopped = client.next("record");
      assertThat(stopped.getBoolean("enabled")).isFalse();
      assertThat(stopped.getString("reason")).contains("recordMaxBytes");
      long frames = stopped.getLong("frames");
      assertThat(frames * frameCost).isLessThanOrEqualTo(maxBytes).isGreaterThan(maxBytes - frameCost);
      sendFrames(client, 100, 2); // the session goes on
      assertThat(RecordingReader.read(recordDir.resolve(id), 1000).frames()).hasSize((int) frames);
    }
  }

  @Test
  void tinyFramesAreCountedAsTheFileSystemBlockEachOfTheirFilesTakes() throws Exception {
    long maxBytes = 64 * 1024; // the least recordMaxBytes
    try (FrameClient client = FrameClient.connect(vertx, server(maxBytes, 10))) {
      client.sendJson(RECORD_ON);
      String id = client.next("record").getString("id");
      // A bare two-byte "JPEG": recorded as it arrives, before the workers find it is no image.
      Buffer tiny = Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8});
      for (int i = 0; i < 100; i++) {
        client.sendBinary(tiny);
      }
      JsonObject stopped = client.next("record");
      assertThat(stopped.getString("reason")).contains("recordMaxBytes");
      // Counted as before, 66 bytes each (2 and 64 for the row), 992 of them fitted: 992 files of a block each.
      long frames = stopped.getLong("frames");
      assertThat(frames).isEqualTo(maxBytes / (RecordingFormat.MIN_FRAME_FILE_BYTES + RecordingFormat.INDEX_BYTES_PER_FRAME));
      assertThat(jpegFiles(recordDir.resolve(id))).isEqualTo(frames);
      assertThat(stopped.getLong("bytes")).isLessThanOrEqualTo(maxBytes);
    }
  }

  @Test
  void aWriteThatFailsStopsTheRecordingAndItsFilesAreClosed() throws Exception {
    try (FrameClient client = FrameClient.connect(vertx, server(RecordingOptions.DEFAULT_RECORD_MAX_BYTES, 10))) {
      client.sendJson(RECORD_ON);
      Path dir = recordDir.resolve(client.next("record").getString("id"));
      // The third frame's file cannot be made: nothing is ever overwritten.
      Files.writeString(dir.resolve(RecordingFormat.frameFile(3)), "in the way");
      JsonObject stopped = null;
      for (int i = 0; stopped == null && i < 50; i++) {
        sendFrames(client, i, 1);
        stopped = client.pollJson("record", Duration.ofMillis(100));
      }
      assertThat(stopped).as("the recording stops").isNotNull();
      assertThat(stopped.getString("reason")).contains("could not write the recording").contains("FileAlreadyExistsException");
      assertThat(stopped.getLong("frames")).isEqualTo(2);
      Path realDir = dir.toRealPath();
      JsonObject session = new JsonObject(Files.readString(dir.resolve(RecordingFormat.SESSION)));
      assertThat(session.getString("stopReason")).isEqualTo(stopped.getString("reason"));
      assertThat(session.getString("failure")).contains("FileAlreadyExistsException");
      assertThat(session.getLong("frames")).isEqualTo(2);
      assertThat(openFiles()).as("nothing of the recording is left open").noneMatch(file -> file.startsWith(realDir));
      assertThat(RecordingReader.read(dir, 1000).frames()).hasSize(2);
      sendFrames(client, 100, 1); // the session goes on
    }
  }

  @Test
  void aServerUndeployedWhileRecordingCompletesTheRecordingFirst() throws Exception {
    FrameLoopVerticle server = start(RecordingOptions.DEFAULT_RECORD_MAX_BYTES, 10);
    Path dir;
    try (FrameClient client = FrameClient.connect(vertx, server.actualPort())) {
      client.sendJson(RECORD_ON);
      dir = recordDir.resolve(client.next("record").getString("id"));
      sendFrames(client, 0, 10);
      // A writer that is behind: the recorder's writer thread (a shared pool of one, found by its name) is busy.
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(1);
      vertx.createSharedWorkerExecutor(Recorder.WRITER_POOL, 1).executeBlocking(() -> {
        busy.countDown();
        return done.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }, false);
      assertThat(busy.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      for (int i = 10; i < 40; i++) { // queued behind it
        client.sendFramed(i, i, FIXTURES.get(i % FIXTURES.size()));
      }
      vertx.setTimer(500, timer -> done.countDown()); // while the server is being undeployed
      await(vertx.undeploy(server.deploymentID()));
    }
    Path realDir = dir.toRealPath();
    RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
    JsonObject session = recorded.session();
    assertThat(session.getString("stopReason")).isEqualTo("the session closed");
    assertThat(session.getLong("frames")).as("every frame the summary counts is in the index")
      .isEqualTo(recorded.frames().size()).isEqualTo(jpegFiles(dir)).isBetween(10L, 40L);
    assertThat(openFiles()).as("nothing of the recording is left open").noneMatch(file -> file.startsWith(realDir));
  }

  @Test
  void aFullDirectoryRefusesNewRecordingsAndKeepsTheOldOnes() throws Exception {
    Path old = Files.createDirectory(recordDir.resolve("rec-old"));
    Files.writeString(old.resolve("index.csv"), "kept");
    try (FrameClient client = FrameClient.connect(vertx, server(RecordingOptions.DEFAULT_RECORD_MAX_BYTES, 1))) {
      client.sendJson(RECORD_ON);
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("record_refused");
      assertThat(error.getString("message")).contains("full").contains("recordMaxFiles 1").doesNotContain(recordDir.toString());
      sendFrames(client, 0, 1);
    }
    try (Stream<Path> entries = Files.list(recordDir)) {
      assertThat(entries.toList()).containsExactly(old);
    }
    assertThat(Files.readString(old.resolve("index.csv"))).isEqualTo("kept");
  }
}
