package io.frameloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One session floods, another sends at a modest rate: the modest one is still served. */
@ExtendWith(VertxExtension.class)
class FairnessTest {

  @Test
  void floodingSessionDoesNotStarveAModestOne(Vertx vertx) throws Exception {
    // One worker and no rate limit, so the flood really overloads the pool.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getWorkerOptions().setWorkerInstances(1);
      o.getSessionOptions().setMaxFps(0);
    })).actualPort();
    Buffer frame = Images.fixture("coffee-640x480.jpg");
    try (FrameClient flooder = FrameClient.connect(vertx, port);
         FrameClient modest = FrameClient.connect(vertx, port)) {
      AtomicBoolean flooding = new AtomicBoolean(true);
      Thread flood = new Thread(() -> {
        // Bounded: at most 2000 frames, stops when the modest client is done.
        for (int seq = 0; seq < 2000 && flooding.get(); seq++) {
          flooder.sendFramed(seq, 0, frame);
          sleep(2);
        }
      });
      flood.start();
      try {
        sleep(300);
        for (int seq = 1; seq <= 5; seq++) {
          modest.sendFramed(seq, 0, frame);
          assertThat(FrameFormat.decode(modest.nextBinary()).header().sequence()).isEqualTo(seq);
          assertThat(flood.isAlive()).as("still flooding while the modest session is answered").isTrue();
          sleep(100);
        }
      } finally {
        flooding.set(false);
        flood.join();
      }
      JsonObject modestStats = modest.nextStats(stats -> stats.getLong("out") == 5);
      assertThat(modestStats.getLong("droppedTotal")).isZero();
      flooder.nextStats(stats -> stats.getJsonObject("dropped").getLong("stale") > 0);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
