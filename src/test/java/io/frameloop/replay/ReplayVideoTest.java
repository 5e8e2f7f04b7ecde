package io.frameloop.replay;

import static io.frameloop.testing.ReplayCli.replay;
import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameKind;
import io.frameloop.record.RecordingReader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay client on the video path against a real server on loopback: {@code --video vp8} sends
 * the source as VP8 chunks, {@code --reply-format vp8} asks for VP8 replies and decodes every one,
 * closed and open loop, with the summary, its JSON and the HTML report; a recording's VP8 chunks are
 * sent as recorded, from its key chunk, and a recording the replay cannot send is refused saying why.
 */
@ExtendWith(VertxExtension.class)
class ReplayVideoTest {

  @Test
  void closedLoopVp8BothWaysDecodesEveryReplyAndReports(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    Path json = dir.resolve("summary.json");
    Path html = dir.resolve("report.html");
    String printed = replay("--url", "ws://127.0.0.1:" + port + "/frames", "--sessions", "2", "--fps", "10",
      "--duration", "3s", "--source", "synthetic:320x240", "--video", "vp8", "--reply-format", "vp8",
      "--json", json.toString(), "--report", html.toString());
    assertThat(printed).contains("video: sent vp8").contains("replies vp8");
    JsonObject summary = new JsonObject(Files.readString(json));
    long sent = summary.getLong("sent");
    long received = summary.getLong("received");
    assertThat(received).isPositive();
    assertThat(summary.getLong("errors")).isZero();
    assertThat(summary.getLong("serverIn")).isEqualTo(sent);
    assertThat(sent - received - summary.getLong("droppedTotal")).as("unaccounted beyond the window").isBetween(0L, 2L);
    JsonObject video = summary.getJsonObject("video");
    assertThat(video.getLong("repliesDecoded")).as("every VP8 reply decoded to the announced size").isEqualTo(received);
    assertThat(video.getLong("repliesFailed")).isZero();
    // VP8 at 1 Mbit/s against the synthetic noisy JPEGs: far fewer bytes up per frame.
    double jpegBytes = FrameSource.synthetic(320, 240, FrameSource.SYNTHETIC_FRAMES).averageBytes();
    assertThat(summary.getLong("bytesPerFrameUp")).isLessThan(Math.round(jpegBytes / 2));
    assertThat(Files.readString(html)).contains("replyFormat").contains("vp8");
  }

  @Test
  void openLoopVp8ChunksWithJpegRepliesAddUp(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    Path json = dir.resolve("summary.json");
    replay("--url", "ws://127.0.0.1:" + port + "/frames", "--sessions", "2", "--fps", "30", "--window", "0",
      "--duration", "3s", "--source", "synthetic:320x240", "--video", "vp8", "--json", json.toString(),
      "--report", dir.resolve("report.html").toString());
    JsonObject summary = new JsonObject(Files.readString(json));
    long sent = summary.getLong("sent");
    assertThat(summary.getLong("received")).isPositive();
    assertThat(summary.getLong("errors")).isZero();
    assertThat(summary.getLong("serverIn")).isEqualTo(sent);
    assertThat(sent - summary.getLong("received") - summary.getLong("droppedTotal") - summary.getLong("unanswered"))
      .as("every chunk answered or dropped by the server").isBetween(0L, 3L);
    assertThat(summary.getJsonObject("video").getString("send")).isEqualTo("vp8");
    assertThat(summary.getJsonObject("video").containsKey("repliesDecoded")).isFalse();
  }

  @Test
  void aRecordingsVp8ChunksAreReplayedByteForByteFromItsKey(Vertx vertx, @TempDir Path recordDir) {
    int port = recordingServer(vertx, recordDir);
    List<EncodedChunk> chunks = VideoChunks.camera(12, VideoChunks.CANVAS, 4);
    // Recorded from chunk 4 on (its first key after the recording started): 4..11.
    Path recording = record(vertx, port, recordDir, chunks, 2, 12);
    FrameSource source = FrameSource.open(recording.toString());
    assertThat(source.video()).isNotNull();
    assertThat(source.frames()).as("the chunks' pictures, as JPEGs for a JPEG replay").hasSize(8);
    assertThat(source.description()).contains("8 VP8 chunks (640x480)");
    // Open loop at a fixed rate: every chunk is sent, once.
    ReplayRunner runner = new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + port + "/frames"), source, 1, 15, 0,
      Duration.ofSeconds(20), null, line -> { }).timing(false, 1.0).video("vp8", "jpeg").record(true);
    ReplayReport report = await(runner.run());
    assertThat(report.sent()).as("%s", report).isEqualTo(8);
    assertThat(report.errors()).isZero();
    // The stream decoded from its key: nothing waited for a key, every chunk answered or dropped as stale.
    assertThat(report.serverDropped().getLong("awaiting_key")).isZero();
    assertThat(report.received() + report.serverDropped().getLong("stale")).isEqualTo(8);
    RecordingReader.Recorded again = ReplayRecordingTest.closedRecording(recordDir.resolve(runner.recordingIds().get(0)));
    assertThat(again.frames()).hasSize(8);
    for (int i = 0; i < 8; i++) {
      assertThat(again.frames().get(i).payload()).as("chunk %d as recorded", i).isEqualTo(chunks.get(4 + i).data());
      assertThat(again.frames().get(i).kind()).isEqualTo(i == 0 ? FrameKind.VIDEO_KEY : FrameKind.VIDEO_DELTA);
    }
    assertThat(again.session().getJsonArray("videoChanges").getJsonObject(0).getJsonObject("video"))
      .isEqualTo(source.video().config().toJson());
  }

  @Test
  void aRecordedStreamWithAGapIsRefusedSayingWhere(Vertx vertx, @TempDir Path recordDir) {
    int port = recordingServer(vertx, recordDir);
    List<EncodedChunk> chunks = VideoChunks.camera(6, VideoChunks.CANVAS);
    Path recording = record(vertx, port, recordDir, chunks, 0, 6, 3); // chunk 3 never sent
    assertThatThrownBy(() -> FrameSource.open(recording.toString()))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("chunk 4 follows 2").hasMessageContaining("gap");
  }

  private static int recordingServer(Vertx vertx, Path recordDir) {
    return TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getRecordingOptions().setRecordDir(recordDir.toString());
    })).actualPort();
  }

  /** Sends chunks [0, end) with recording on from chunk {@code recordFrom}, leaving out {@code skipped}; the closed recording. */
  private static Path record(Vertx vertx, int port, Path recordDir, List<EncodedChunk> chunks, int recordFrom, int end,
                             int... skipped) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
      client.next("video");
      String id = null;
      for (int i = 0; i < end; i++) {
        if (i == recordFrom) {
          client.sendJson(new JsonObject().put("type", "record").put("enabled", true));
          id = client.next("record").getString("id");
        }
        int frame = i;
        if (Arrays.stream(skipped).anyMatch(s -> s == frame)) {
          continue;
        }
        client.sendBinary(VideoChunks.message(i, 100 + i * 33L, chunks.get(i)));
        if (Arrays.stream(skipped).noneMatch(s -> s < frame)) {
          client.nextBinary(); // after a gap the server drops the deltas (awaiting_key) and answers none
        }
      }
      client.quietStats(end - skipped.length);
      client.sendJson(new JsonObject().put("type", "record").put("enabled", false));
      client.next("record");
      return ReplayRecordingTest.closedRecording(recordDir.resolve(id)).dir();
    }
  }
}
