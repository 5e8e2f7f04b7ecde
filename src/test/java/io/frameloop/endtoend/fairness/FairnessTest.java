package io.frameloop.endtoend.fairness;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.SlowOpFactory;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sessions flood, another sends at a modest rate: the modest one is still served, and promptly. */
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

  @Test
  void aModestSessionsRoundTripStaysASmallMultipleOfTheProcessingTimeWhileThreeSessionsFlood(Vertx vertx) throws Exception {
    // One worker, no rate limit, and frames that take 40 ms in the worker (a sleeping op, so the
    // processing time holds on a loaded machine): three flooders keep a frame waiting at all times.
    FrameLoopOptions options = TestServers.options(o -> {
      o.getWorkerOptions().setWorkerInstances(1).setAddress("frameloop.flood-fairness");
      o.getSessionOptions().setMaxFps(0);
    });
    OpRegistry registry = OpRegistry.withDefaults(Path.of(options.getFaceOptions().getFaceCascade())).register(new SlowOpFactory());
    int port = TestServers.start(vertx, options, registry).actualPort();
    JsonObject slow = pipeline(op("slow").put("ms", 40));
    Buffer frame = Images.leftRedRightBlue();
    List<FrameClient> flooders = new ArrayList<>();
    List<Thread> floods = new ArrayList<>();
    AtomicBoolean flooding = new AtomicBoolean(true);
    long[] roundTripNanos = new long[12];
    try (FrameClient modest = FrameClient.connect(vertx, port)) {
      for (int i = 0; i < 3; i++) {
        FrameClient flooder = FrameClient.connect(vertx, port);
        flooders.add(flooder);
        assertThat(flooder.setPipeline(slow).getString("type")).isEqualTo("pipeline");
        // Bounded: every 5 ms for at most 8 s, or until the modest session is done.
        Thread flood = new Thread(() -> {
          Wait.Deadline end = Wait.Deadline.in(Duration.ofSeconds(8));
          for (int seq = 0; flooding.get() && !end.passed(); seq++) {
            flooder.sendFramed(seq, 0, frame);
            sleep(5);
          }
        });
        flood.start();
        floods.add(flood);
      }
      assertThat(modest.setPipeline(slow).getString("type")).isEqualTo("pipeline");
      modest.sendJson(new JsonObject().put("type", "timings").put("enabled", true));
      assertThat(modest.next("timings").getBoolean("enabled")).isTrue();
      sleep(300); // the flood is under way
      for (int seq = 0; seq < roundTripNanos.length; seq++) {
        long sent = System.nanoTime();
        modest.sendFramed(seq, 0, frame);
        assertThat(FrameFormat.decode(modest.nextBinary()).header().sequence()).isEqualTo(seq);
        roundTripNanos[seq] = System.nanoTime() - sent;
        sleep(100);
      }
      flooding.set(false);
      for (Thread flood : floods) {
        flood.join();
      }
      sleep(200); // the flooders' last replies
      long[] floodReplies = flooders.stream().mapToLong(FrameClient::pendingBinary).toArray();
      long[] processingMicros = processingTimes(modest, roundTripNanos.length);
      long processingMs = median(processingMicros) / 1000;
      long[] roundTripMs = Arrays.stream(roundTripNanos).map(n -> n / 1_000_000).toArray();
      String measured = "round trips " + Arrays.toString(roundTripMs) + " ms, processing " + processingMs + " ms, flooders' replies "
        + Arrays.toString(floodReplies);
      System.out.println("FairnessTest: " + measured);
      assertThat(processingMs).as(measured).isGreaterThanOrEqualTo(40);
      // Served fairly, a frame waits for the one in the worker and at most one flooder's: about
      // three processing times. (A scheduler that serves the most-used session first makes it
      // wait until the flood stops.)
      assertThat(median(roundTripMs)).as("median round trip, " + measured).isLessThanOrEqualTo(4 * processingMs);
      assertThat(Arrays.stream(roundTripMs).max().orElseThrow()).as("slowest round trip, " + measured)
        .isLessThanOrEqualTo(20 * processingMs);
      // The flooders share the rest equally: each gets at least half of what the best served got.
      // Last-in-first-out fails here: a session is picked when a worker frees, before the one just
      // answered is back in line, so two flooders take turns and the third starves (seen: 28, 1, 15).
      long most = Arrays.stream(floodReplies).max().orElseThrow();
      assertThat(Arrays.stream(floodReplies).min().orElseThrow() * 2).as("fewest flooder replies, twice, " + measured).isGreaterThanOrEqualTo(most);
    } finally {
      flooding.set(false);
      for (FrameClient flooder : flooders) {
        flooder.close();
      }
    }
  }

  /** The worker's processing time of each of the session's frames, from the timings in its stats. */
  private static long[] processingTimes(FrameClient client, int frames) {
    Map<Long, Long> bySequence = new HashMap<>();
    Wait.until("the timings of " + frames + " frames in stats", FrameClient.TIMEOUT, Duration.ZERO, () -> {
      if (bySequence.size() >= frames) {
        return true;
      }
      JsonArray timings = client.next("stats").getJsonArray("timings", new JsonArray());
      for (int i = 0; i < timings.size(); i++) {
        bySequence.put(timings.getJsonArray(i).getLong(0), timings.getJsonArray(i).getLong(1));
      }
      return false;
    });
    assertThat(bySequence).as("timings of every frame").hasSize(frames);
    return bySequence.values().stream().mapToLong(Long::longValue).toArray();
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
