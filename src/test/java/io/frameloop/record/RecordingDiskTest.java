package io.frameloop.record;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recording onto a disk that fills: a real 2 MB tmpfs mounted for each test (the tests run as root,
 * as CI does). The free-space floor stops a recording cleanly; without it, the write that fails
 * stops it, the recording stays readable, and starts on the full disk leave nothing behind.
 */
class RecordingDiskTest {

  private static final JsonObject RECORD_ON = new JsonObject().put("type", "record").put("enabled", true);
  private static final List<Buffer> FIXTURES = List.of(Images.fixture("astronaut-640x480.jpg"),
    Images.fixture("coffee-640x480.jpg"));

  private Path mount;
  private Path recordDir;
  private Vertx vertx;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    mount = Files.createTempDirectory("frameloop-tmpfs-");
    assertThat(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()))
      .as("mounting a 2 MB tmpfs (needs root)").isZero();
    recordDir = mount.resolve("recordings");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void unmount() throws Exception {
    await(vertx.close());
    run("umount", mount.toString());
    Files.deleteIfExists(mount);
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return process.exitValue();
  }

  private int server(long minFreeBytes) {
    return TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getRecordingOptions().setRecordDir(recordDir.toString()).setRecordMinFreeBytes(minFreeBytes);
    })).actualPort();
  }

  /** Sends frames one at a time until the server says the recording stopped; that message. */
  private static JsonObject sendUntilStopped(FrameClient client) {
    for (int i = 0; i < 200; i++) {
      client.sendFramed(i, 1_000_000L + i * 40L, FIXTURES.get(i % FIXTURES.size()));
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(i);
      JsonObject stopped = client.pollJson("record", Duration.ofMillis(20));
      if (stopped != null) {
        return stopped;
      }
    }
    throw new AssertionError("the recording did not stop on a 2 MB disk");
  }

  private List<Path> recordings() throws IOException {
    try (Stream<Path> entries = Files.list(recordDir)) {
      return entries.toList();
    }
  }

  /** Writes until the disk refuses: nothing is left for a start. */
  private void fillTheDisk() {
    try (OutputStream filler = Files.newOutputStream(mount.resolve("filler"))) {
      byte[] block = new byte[4096];
      for (int i = 0; i < 1024; i++) {
        filler.write(block);
        filler.flush();
      }
    } catch (IOException full) {
      return;
    }
    throw new AssertionError("4 MB fit on the 2 MB disk");
  }

  @Test
  void theFreeSpaceFloorStopsARecordingCleanlyAndRefusesNewOnes() throws IOException {
    try (FrameClient client = FrameClient.connect(vertx, server(1024 * 1024))) {
      client.sendJson(RECORD_ON);
      String id = client.next("record").getString("id");
      JsonObject stopped = sendUntilStopped(client);
      assertThat(stopped.getBoolean("enabled")).isFalse();
      assertThat(stopped.getString("reason")).contains("nearly full").contains("recordMinFreeBytes")
        .doesNotContain(recordDir.toString());
      Path dir = recordDir.resolve(id);
      RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
      assertThat(recorded.session().getString("stopReason")).as("session.json completed").isEqualTo(stopped.getString("reason"));
      assertThat(recorded.session().getLong("frames")).isEqualTo(stopped.getLong("frames")).isEqualTo(recorded.frames().size())
        .isPositive();
      assertThat(recorded.warnings()).isEmpty();
      assertThat(dir.resolve(RecordingFormat.INCOMPLETE)).doesNotExist();
      assertThat(Files.getFileStore(mount).getUsableSpace()).as("the floor was kept").isGreaterThanOrEqualTo(1024 * 1024 - 128);

      client.sendJson(RECORD_ON); // below the floor: refused, and nothing is created
      JsonObject refused = client.next("error");
      assertThat(refused.getString("code")).isEqualTo("record_refused");
      assertThat(refused.getString("message")).contains("recordMinFreeBytes");
      assertThat(recordings()).containsExactly(dir);
      client.sendFramed(999, 1, FIXTURES.get(0)); // the session lives on
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(999);
    }
  }

  @Test
  void withoutAFloorAFullDiskLeavesAReadableRecordingAndStartsOnItLeaveNoDirectories() throws IOException {
    try (FrameClient client = FrameClient.connect(vertx, server(0))) {
      client.sendJson(RECORD_ON);
      String id = client.next("record").getString("id");
      JsonObject stopped = sendUntilStopped(client);
      assertThat(stopped.getString("reason")).contains("could not write the recording");
      Path dir = recordDir.resolve(id);
      // session.json is completed, or the marker says it is not.
      JsonObject session = new JsonObject(Files.readString(dir.resolve(RecordingFormat.SESSION)));
      assertThat(session.containsKey("stoppedAt") || Files.exists(dir.resolve(RecordingFormat.INCOMPLETE)))
        .as("session.json complete (%s) or INCOMPLETE left", session.containsKey("stoppedAt")).isTrue();
      assertThat(dir.resolve(RecordingFormat.SESSION + ".partial")).as("no half-written session.json").doesNotExist();
      RecordingReader.Recorded recorded = RecordingReader.read(dir, 1000);
      assertThat(recorded.frames()).as("the frames written before the disk filled").isNotEmpty()
        .hasSizeGreaterThanOrEqualTo((int) (long) stopped.getLong("frames"));

      fillTheDisk();
      for (int i = 0; i < 20; i++) {
        client.sendJson(RECORD_ON);
        JsonObject refused = client.next("error");
        assertThat(refused.getString("code")).isEqualTo("record_refused");
        assertThat(refused.getString("message")).contains("cannot write the recording");
      }
      assertThat(recordings()).as("a start that fails removes its directory").containsExactly(dir);
      // Room again (the filler and the old recording moved away): recording works, no directory in the way.
      Files.delete(mount.resolve("filler"));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
      client.sendJson(RECORD_ON);
      JsonObject answer = client.nextOf("record", "error");
      assertThat(answer.getBoolean("enabled")).as(answer.encode()).isTrue();
    }
  }
}
