package io.frameloop.endtoend.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.FrameClient;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.OpenVideoCodecs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session flooding garbage keys, keys declaring large pictures and deltas out of order, with no
 * frame rate limit, beside a modest video session: every chunk of the modest one is answered with
 * its picture, and each session has one decoder at most.
 */
@ExtendWith(VertxExtension.class)
class VideoHostileSessionTest {

  @Test
  void aHostileVideoSessionLeavesAnotherSessionsPicturesAlone(Vertx vertx) throws Exception {
    int unlimited = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
    List<EncodedChunk> stream = VideoChunks.camera(30, VideoChunks.CANVAS);
    List<EncodedChunk> chunks = stream.subList(0, 2);
    Buffer hugeKey = chunks.get(0).data().copy().setUnsignedShortLE(6, 1920).setUnsignedShortLE(8, 1080);
    AtomicBoolean attacking = new AtomicBoolean(true);
    long[] sent = {0};
    try (FrameClient hostile = VideoBadChunksTest.session(vertx, unlimited); FrameClient modest = VideoBadChunksTest.session(vertx, unlimited)) {
      Thread attack = new Thread(() -> {
        for (int round = 0; round < 1000 && attacking.get(); round++) {
          // Garbage keys, keys declaring 1920x1080 in a 640x480 stream, deltas out of order.
          hostile.sendBinary(VideoChunks.message(sent[0]++, true, Buffer.buffer("garbage garbage garbage")));
          hostile.sendBinary(VideoChunks.message(sent[0]++, true, hugeKey));
          hostile.sendBinary(VideoChunks.message(sent[0] += 7, false, chunks.get(1).data()));
        }
      });
      attack.start();
      try {
        for (int i = 0; i < stream.size(); i++) {
          modest.sendBinary(VideoChunks.message(i, i, stream.get(i)));
          VideoBadChunksTest.assertPicture(modest);
        }
      } finally {
        attacking.set(false);
        attack.join();
      }
      JsonObject stats = modest.quietStats(stream.size());
      assertThat(stats.getLong("out")).as("every chunk of the modest session answered").isEqualTo(stream.size());
      assertThat(stats.getLong("errors")).isZero();
      assertThat(OpenVideoCodecs.decoders()).as("one decoder a session").isLessThanOrEqualTo(2);
      // The hostile session lives on, its counts adding up.
      VideoIngestTest.assertCountsAddUp(hostile.nextStats(s -> s.getLong("in") >= 3 && s.getInteger("pending") == 0));
    }
  }

}
