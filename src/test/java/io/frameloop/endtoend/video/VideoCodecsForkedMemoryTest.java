package io.frameloop.endtoend.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.VideoChunks;
import io.frameloop.testing.Wait;
import io.frameloop.video.EncodedChunk;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * VP8 decoders and VP8 reply encoders over thousands of frames in a server in a JVM of its own (heap fixed at
 * 256 MiB and touched at start, so that its resident memory moves with native memory only): sessions come and go,
 * video in or JPEG in, every one answered with VP8 replies. After each session the server's {@code /metrics} say
 * no decoder and no encoder is open and no Mat is kept, and the resident memory stays where the warm-up left it.
 * glibc's arenas are capped at 2 ({@code MALLOC_ARENA_MAX}): with one arena per codec thread the resident memory rose
 * by 70–90 MiB over 20 sessions with no leak (BENCHMARKS.md §17, "Server side"); capped, by 10 MiB.
 */
@ExtendWith(VertxExtension.class)
class VideoCodecsForkedMemoryTest {

  private static final long MiB = 1 << 20;
  private static final int WARM_UP_SESSIONS = 4;
  private static final int SESSIONS = 8;
  private static final int FRAMES = 300; // per session: 2400 frames after the warm-up

  @Test
  void decodersAndReplyEncodersStayFlatOverThousandsOfFrames(Vertx vertx) throws IOException {
    List<EncodedChunk> chunks = VideoChunks.camera(60, VideoChunks.CANVAS);
    Buffer jpeg = Images.fixture("coffee-640x480.jpg");
    try (ForkedServer server = ForkedServer.start("video-codecs-memory-server", "256m", Map.of("FRAMELOOP_MAX_FPS", "0",
      "MALLOC_ARENA_MAX", "2"),
      List.of("-Xms256m", "-XX:+AlwaysPreTouch"), "no-config-file.json")) {
      // Warm-up: the JIT and the allocator settle over the first sessions.
      for (int session = 0; session < WARM_UP_SESSIONS; session++) {
        stream(vertx, server, session % 2 == 0, chunks, jpeg, FRAMES);
      }
      long warmMats = liveMats(server);
      long warmRss = server.residentBytes();
      long rss = warmRss;
      for (int session = 0; session < SESSIONS; session++) {
        stream(vertx, server, session % 2 == 0, chunks, jpeg, FRAMES);
        rss = server.residentBytes();
        assertThat(liveMats(server)).as("no Mat kept per frame after session %d", session).isEqualTo(warmMats);
      }
      System.out.printf("VP8 in/out over %d frames: RSS %d MiB after warm-up, %d at the end%n", SESSIONS * FRAMES,
        warmRss / MiB, rss / MiB);
      // A picture kept per frame would be 460 KB (I420) to 1.1 MB (BGR): over a GB for 2400 frames; a decoder and an
      // encoder kept per session some 20 MB (50 VP8 sessions took about 1 GB outside the heap, BENCHMARKS.md §17).
      assertThat(rss - warmRss).as("resident memory growth over " + warmRss / MiB + " MiB").isLessThan(48 * MiB);
    }
  }

  /** One session of {@code frames} VP8 chunks ({@code video}) or JPEGs, each answered by a VP8 chunk before the next. */
  private static void stream(Vertx vertx, ForkedServer server, boolean video, List<EncodedChunk> chunks, Buffer jpeg, int frames) {
    try (FrameClient client = FrameClient.connect(vertx, server.port())) {
      client.usePipeline(FrameLoopOptions.DEFAULT_PIPELINE.copy().put("replyFormat", "vp8"));
      if (video) {
        client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
        assertThat(client.next("video").getInteger("width")).isEqualTo(CameraClips.WIDTH);
      }
      for (int i = 0; i < frames; i++) {
        if (video) {
          client.sendBinary(VideoChunks.message(i, i, chunks.get(i % chunks.size())));
        } else {
          client.sendFramed(i, i, jpeg);
        }
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(i);
      }
      JsonObject stats = client.quietStats(frames);
      assertThat(stats.getLong("out")).isEqualTo(frames);
      assertThat(stats.getJsonObject("output").getString("format")).isEqualTo("vp8");
      assertThat(Metrics.scrape(server.port()).value("frameloop_video_encoders")).as("the session's reply encoder open").isEqualTo(1);
    }
    Wait.until("the session's decoder and encoder to be closed", () -> {
      Metrics metrics = Metrics.scrape(server.port());
      return metrics.value("frameloop_video_decoders") == 0 && metrics.value("frameloop_video_encoders") == 0;
    });
  }

  private static long liveMats(ForkedServer server) {
    return (long) Metrics.scrape(server.port()).value("frameloop_native_mats");
  }
}
