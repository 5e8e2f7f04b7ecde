package io.frameloop.endtoend.video;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.image.NativeMats;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.testing.Wait;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.OpenVideoCodecs;
import io.frameloop.video.VideoNativeBytes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of video frames through sessions that come and go, half of them answered with VP8
 * replies: the decoders and reply encoders open are the sessions streaming, back to none when they
 * end, their JavaCPP bytes back to what they were, and no Mat is kept per frame (the metrics say the same).
 */
@ExtendWith(VertxExtension.class)
class VideoMemoryTest {

  private static final int SESSIONS = 4;
  private static final int ROUNDS = 2;
  private static final int CHUNKS = 250; // per session and round: 2000 frames in all
  private static final long NATIVE_SLACK = 64 * 1024;

  @Test
  void decodersAndMatsStayFlatOverThousandsOfFrames(Vertx vertx) throws Exception {
    long beforeStart = NativeMats.live();
    long decodersBefore = OpenVideoCodecs.decoders();
    long encodersBefore = OpenVideoCodecs.encoders();
    FrameLoopVerticle verticle = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0)));
    int port = verticle.actualPort();
    List<EncodedChunk> chunks = VideoChunks.camera(60, VideoChunks.CANVAS, 30);
    stream(vertx, port, chunks, 5, false); // warm-up: every worker's own Mats made
    Wait.until("the warm-up's decoder to be closed", () -> OpenVideoCodecs.decoders() == decodersBefore);
    long warm = NativeMats.live();
    long nativeBytes = VideoNativeBytes.now();
    ExecutorService clients = Executors.newFixedThreadPool(SESSIONS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        List<Future<Long>> decodersSeen = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
          boolean vp8Replies = i % 2 == 1;
          decodersSeen.add(clients.submit(() -> stream(vertx, port, chunks, CHUNKS, vp8Replies)));
        }
        for (Future<Long> seen : decodersSeen) {
          assertThat(seen.get()).as("decoders open while a session streams: at most one a session")
            .isBetween(decodersBefore + 1, decodersBefore + SESSIONS);
        }
        Wait.until("the round's decoders and encoders to be closed",
          () -> OpenVideoCodecs.decoders() == decodersBefore && OpenVideoCodecs.encoders() == encodersBefore);
        // Within a few small holders that JavaCPP frees at garbage collection; one picture's buffer is 921,600 bytes.
        assertThat(VideoNativeBytes.now()).as("JavaCPP bytes after round %d", round).isBetween(0L, nativeBytes + NATIVE_SLACK);
        assertThat(Metrics.scrape(port).value("frameloop_video_native_bytes")).isLessThanOrEqualTo(nativeBytes + NATIVE_SLACK);
        assertThat(Metrics.scrape(port).value("frameloop_video_encoders")).isZero();
        assertThat(NativeMats.live()).as("no Mat kept per frame after round %d", round).isEqualTo(warm);
        assertThat(Metrics.scrape(port).value("frameloop_video_decoders")).isZero();
      }
    } finally {
      clients.shutdownNow();
    }
    await(vertx.undeploy(verticle.deploymentID()));
    assertThat(NativeMats.live()).as("the workers' picture Mats released at undeploy").isEqualTo(beforeStart);
  }

  /** One session of {@code count} chunks, each answered before the next; the decoders open at its end. */
  private static long stream(Vertx vertx, int port, List<EncodedChunk> chunks, int count, boolean vp8Replies) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("resize").put("width", 320)).put("replyFormat", vp8Replies ? "vp8" : "jpeg"));
      client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
      assertThat(client.next("video").getInteger("width")).isEqualTo(640);
      for (int i = 0; i < count; i++) {
        client.sendBinary(VideoChunks.message(i, i, chunks.get(i % chunks.size())));
        client.nextBinary();
      }
      JsonObject stats = client.quietStats(count);
      assertThat(stats.getLong("out")).isEqualTo(count);
      return OpenVideoCodecs.decoders();
    }
  }
}
