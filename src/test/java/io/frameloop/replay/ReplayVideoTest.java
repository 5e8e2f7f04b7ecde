package io.frameloop.replay;

import static io.frameloop.testing.ReplayCli.replay;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.TestServers;
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
 * closed and open loop, with the summary, its JSON and the HTML report.
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
}
