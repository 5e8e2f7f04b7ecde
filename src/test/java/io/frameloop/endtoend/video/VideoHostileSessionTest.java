package io.frameloop.endtoend.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hostile session beside a modest one on a forked server with a small heap, committed up front
 * (so the process's resident memory grows only by native allocations), at the default frame rate
 * limit. The hostile one floods, keeping the decoder busy with real key chunks up to that limit and, between them, key frames sent
 * as deltas (one declaring 6000x6000, which FFmpeg would decode to a 108 MB picture), keys declaring
 * another size and deltas out of order. The modest session, sending at a camera's pace, gets every
 * frame answered at the rate it had alone, and the server's resident memory and JavaCPP bytes stay
 * where they were.
 */
@ExtendWith(VertxExtension.class)
class VideoHostileSessionTest {

  private static final int PACED = 45;
  private static final long PACE_MILLIS = 66; // 15 frames a second

  @Test
  void aHostileVideoSessionLeavesAnotherSessionsFrameRateAndTheServersMemoryAlone(Vertx vertx) throws Exception {
    List<EncodedChunk> stream = VideoChunks.camera(PACED, VideoChunks.CANVAS);
    Buffer key = stream.get(0).data();
    Buffer huge = key.copy().setUnsignedShortLE(6, 6000).setUnsignedShortLE(8, 6000);
    Buffer large = key.copy().setUnsignedShortLE(6, 1920).setUnsignedShortLE(8, 1080);
    try (ForkedServer server = ForkedServer.start("video-hostile", "192m", Map.of(),
      List.of("-Xms192m", "-XX:+AlwaysPreTouch"), "no-config-file.json");
         FrameClient modest = VideoBadChunksTest.session(vertx, server.port())) {
      double alone = paced(modest, stream, 0);
      long residentBefore = server.residentBytes();
      double nativeBefore = nativeBytes(server);
      AtomicBoolean attacking = new AtomicBoolean(true);
      AtomicLong sent = new AtomicLong();
      long decodedByHostile;
      double attacked;
      try (FrameClient hostile = VideoBadChunksTest.session(vertx, server.port())) {
        Thread attack = new Thread(() -> {
          long seq = 0;
          while (attacking.get()) {
            hostile.sendBinary(VideoChunks.message(seq++, 0, stream.get(0))); // a real key: decoded
            hostile.sendBinary(VideoChunks.message(seq++, 0, stream.get(1)));
            hostile.sendBinary(VideoChunks.message(seq++, false, huge)); // a key frame sent as a delta
            for (int i = 2; i < 6; i++) {
              hostile.sendBinary(VideoChunks.message(seq++, 0, stream.get(i))); // deltas on whatever the decoder holds
            }
            hostile.sendBinary(VideoChunks.message(seq++, false, key));
            hostile.sendBinary(VideoChunks.message(seq++, true, large));
            hostile.sendBinary(VideoChunks.message(seq += 5, false, stream.get(6).data()));
            seq++;
            sent.set(seq);
            try {
              Thread.sleep(2); // a flood, not a stall of the test's own client
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        AtomicLong residentMax = new AtomicLong(residentBefore);
        AtomicLong nativeMax = new AtomicLong((long) nativeBefore);
        Thread sampler = new Thread(() -> {
          while (attacking.get()) {
            try {
              residentMax.accumulateAndGet(server.residentBytes(), Math::max);
              nativeMax.accumulateAndGet((long) nativeBytes(server), Math::max);
              Thread.sleep(20);
            } catch (Exception e) {
              return;
            }
          }
        });
        attack.start();
        sampler.start();
        try {
          attacked = paced(modest, stream, PACED);
        } finally {
          attacking.set(false);
          attack.join();
          sampler.join();
        }
        JsonObject hostileStats = hostile.nextStats(s -> s.getInteger("pending") == 0 && s.getLong("in") >= 6);
        VideoIngestTest.assertCountsAddUp(hostileStats);
        decodedByHostile = hostileStats.getLong("out");
        assertThat(hostileStats.getLong("errors")).as("the disguised and mis-sized keys refused").isPositive();
        assertThat(residentMax.get() - residentBefore).as("resident memory growth under attack (no 6000x6000 picture made)")
          .isLessThan(64L << 20);
        assertThat(nativeMax.get() - nativeBefore).as("JavaCPP bytes under attack").isLessThan(8L << 20);
      }
      assertThat(decodedByHostile).as("the hostile session made the decoder work").isPositive();
      assertThat(attacked).as("the modest session's answer rate (frames/s) beside the attack, alone %.1f", alone)
        .isGreaterThan(alone * 0.8);
      assertThat(server.isAlive()).isTrue();
      assertThat(server.log()).doesNotContain("OutOfMemoryError");
    }
  }

  /**
   * Sends the stream at 15 frames a second (a key first) without waiting for the answers, as a
   * camera does: the frames answered per second of the stream (latest-wins drops the others as stale).
   */
  private static double paced(FrameClient client, List<EncodedChunk> stream, long firstSequence) throws InterruptedException {
    long outBefore = firstSequence == 0 ? 0 : client.quietStats(firstSequence).getLong("out");
    long begin = System.nanoTime();
    for (int i = 0; i < stream.size(); i++) {
      client.sendBinary(VideoChunks.message(firstSequence + i, firstSequence + i, stream.get(i)));
      long next = begin + (i + 1) * PACE_MILLIS * 1_000_000;
      Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
    }
    JsonObject stats = client.quietStats(firstSequence + stream.size());
    long answered = stats.getLong("out") - outBefore;
    for (long i = 0; i < answered; i++) {
      VideoBadChunksTest.assertPicture(client);
    }
    assertThat(stats.getLong("errors")).isZero();
    assertThat(stats.getJsonObject("dropped").getLong("awaiting_key", 0L)).as("no chunk of the modest stream lost").isZero();
    return answered * 1000.0 / (stream.size() * PACE_MILLIS);
  }

  private static double nativeBytes(ForkedServer server) {
    return Metrics.scrape(server.port()).value("frameloop_video_native_bytes");
  }
}
