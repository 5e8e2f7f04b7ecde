package io.frameloop.hostile;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.SlowOpFactory;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17, rows 6 and 8: sessions whose frames take long. Frames go only to free workers, so a
 * normal session is served by the other worker meanwhile; a worker past {@code processTimeoutMs}
 * is reported stuck and gets no frame until it answers.
 */
@ExtendWith(VertxExtension.class)
class SlowFramesTest {

  private static int start(Vertx vertx, long processTimeoutMs) {
    FrameLoopOptions options = TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getWorkerOptions().setProcessTimeoutMs(processTimeoutMs).setAddress("frameloop.slow-" + processTimeoutMs);
    });
    OpRegistry registry = OpRegistry.withDefaults(Path.of(options.getFaceOptions().getFaceCascade())).register(new SlowOpFactory());
    return TestServers.start(vertx, options, registry).actualPort();
  }

  private static JsonObject slow(int ms) {
    return pipeline(op("slow").put("ms", ms));
  }

  @Test
  void aSlowFrameDoesNotHoldUpAnotherSessionWhileAWorkerIsFree(Vertx vertx) {
    int port = start(vertx, 10_000);
    Buffer frame = Images.leftRedRightBlue();
    try (FrameClient attacker = FrameClient.connect(vertx, port); FrameClient normal = FrameClient.connect(vertx, port)) {
      assertThat(attacker.setPipeline(slow(8000)).getString("type")).isEqualTo("pipeline");
      attacker.sendFramed(1, 0, frame);
      awaitBusy(port, 1);
      // While the one slow frame (8 s, ample for 15 round trips) holds one worker, every frame of
      // the normal session goes to the other.
      int replies = 0;
      for (int seq = 0; seq < 15; seq++) {
        normal.sendFramed(seq, 0, frame);
        assertThat(FrameFormat.decode(normal.nextBinary()).header().sequence()).isEqualTo(seq);
        replies++;
      }
      assertThat(attacker.pendingBinary()).as("the slow frame is still in its worker").isZero();
      assertThat(replies).isEqualTo(15);
      assertThat(FrameFormat.decode(attacker.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  @Test
  void aWorkerPastTheProcessTimeoutIsReportedStuckUntilItAnswers(Vertx vertx) {
    int port = start(vertx, 500);
    Buffer frame = Images.leftRedRightBlue();
    try (FrameClient attacker = FrameClient.connect(vertx, port); FrameClient normal = FrameClient.connect(vertx, port)) {
      attacker.usePipeline(slow(3000));
      attacker.sendFramed(1, 0, frame);
      attacker.sendFramed(2, 0, frame); // waits in its session: the worker stays taken until it answers
      JsonObject down = awaitHealth(port, 503);
      JsonObject workers = checkData(down, "workers");
      assertThat(workers.getJsonArray("stuck")).hasSize(1);
      assertThat(workers.getInteger("busy")).isEqualTo(1);
      for (int seq = 0; seq < 10; seq++) {
        normal.sendFramed(seq, 0, frame);
        assertThat(FrameFormat.decode(normal.nextBinary()).header().sequence()).isEqualTo(seq);
      }
      assertThat(FrameFormat.decode(attacker.nextBinary()).header().sequence()).isEqualTo(1);
      assertThat(FrameFormat.decode(attacker.nextBinary()).header().sequence()).isEqualTo(2);
    }
    JsonObject up = awaitHealth(port, 200);
    assertThat(checkData(up, "workers").getJsonArray("stuck")).isEmpty();
  }

  @Test
  void whenTheSlowSessionsLeaveTheNormalOneIsServedAtOnce(Vertx vertx) {
    int port = start(vertx, 10_000);
    Buffer frame = Images.leftRedRightBlue();
    List<FrameClient> attackers = new ArrayList<>();
    try (FrameClient normal = FrameClient.connect(vertx, port)) {
      for (int i = 0; i < 4; i++) {
        FrameClient attacker = FrameClient.connect(vertx, port);
        attacker.usePipeline(slow(1500));
        attacker.sendFramed(1, 0, frame);
        attackers.add(attacker);
      }
      normal.sendFramed(0, 0, frame);
      // Fair turns: the normal session's frame is served within the attackers' first round.
      assertThat(FrameFormat.decode(normal.nextBinary()).header().sequence()).isZero();
      attackers.forEach(FrameClient::close);
      attackers.clear();
      awaitBusy(port, 0);
      for (int seq = 1; seq <= 10; seq++) {
        normal.sendFramed(seq, 0, frame);
        assertThat(FrameFormat.decode(normal.nextBinary()).header().sequence()).isEqualTo(seq);
      }
    } finally {
      attackers.forEach(FrameClient::close);
    }
  }

  @Test
  void aNormalSessionWithFramesInFlightKeepsBeingServedNextToSlowSessions(Vertx vertx) {
    int port = start(vertx, 10_000);
    Buffer frame = Images.leftRedRightBlue();
    List<FrameClient> attackers = new ArrayList<>();
    try (FrameClient normal = FrameClient.connect(vertx, port)) {
      for (int i = 0; i < 2; i++) {
        FrameClient attacker = FrameClient.connect(vertx, port);
        attacker.usePipeline(slow(700));
        attacker.sendFramed(0, 0, frame);
        attacker.sendFramed(1, 0, frame); // always one more waiting
        attackers.add(attacker);
      }
      awaitBusy(port, 2);
      // Like the page: two frames in flight, the next sent as each reply comes back.
      normal.sendFramed(0, 0, frame);
      normal.sendFramed(1, 0, frame);
      long last = -1;
      for (int reply = 0; reply < 40; reply++) {
        long seq = FrameFormat.decode(normal.nextBinary()).header().sequence();
        assertThat(seq).as("replies in order (a frame may be dropped as stale)").isGreaterThan(last);
        last = seq;
        normal.sendFramed(reply + 2, 0, frame);
      }
      // Once a slow frame frees a worker, the normal session's next frame is always waiting for
      // it: the worker stays with the frames that cost milliseconds (see FrameSchedulerTest for the
      // share of time when several sessions wait).
      int slowReplies = attackers.stream().mapToInt(FrameClient::pendingBinary).sum();
      assertThat(slowReplies).as("slow frames answered while the normal session got 40").isLessThanOrEqualTo(8);
    } finally {
      attackers.forEach(FrameClient::close);
    }
  }

  private static void awaitBusy(int port, int busy) {
    Wait.until("workers busy: " + busy, Duration.ofSeconds(20), Duration.ofMillis(20),
      () -> checkData(new JsonObject(Http.get(port, "/health").body()), "workers").getInteger("busy") == busy);
  }

  private static JsonObject awaitHealth(int port, int status) {
    return Wait.forValue("/health answering " + status, Duration.ofSeconds(20), Duration.ofMillis(50), () -> {
      var response = Http.get(port, "/health");
      return response.statusCode() == status ? new JsonObject(response.body()) : null;
    });
  }

  private static JsonObject checkData(JsonObject health, String id) {
    for (Object check : health.getJsonArray("checks")) {
      JsonObject json = (JsonObject) check;
      if (id.equals(json.getString("id"))) {
        return json.getJsonObject("data");
      }
    }
    throw new AssertionError("no " + id + " check in " + health.encode());
  }
}
