package io.frameloop.endtoend.metrics;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-stage timing of every frame: in the session's timings and in Prometheus. */
@ExtendWith(VertxExtension.class)
class StageTimingTest {

  @Test
  void everyFramesStagesAddUpToItsProcessingTimeAndReachPrometheus(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
    Buffer photo = Images.fixture("astronaut-640x480.jpg");
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject pipeline = pipeline(op("resize").put("width", 320), op("blur").put("kernel", 5), op("flip").put("axis", "horizontal"));
      assertThat(client.setPipeline(pipeline).getString("type")).isEqualTo("pipeline");
      // Warm-up: the JVM's first frames also load classes and link lambdas, outside every stage.
      for (int seq = 1; seq <= 5; seq++) {
        client.sendFramed(seq, 0, photo);
        client.nextBinary();
      }
      client.sendJson(new JsonObject().put("type", "timings").put("enabled", true));
      assertThat(client.next("timings").getBoolean("enabled")).isTrue();
      for (int seq = 1; seq <= 20; seq++) {
        client.sendFramed(seq, 0, photo);
        client.nextBinary();
      }
      List<JsonArray> timings = new ArrayList<>();
      client.nextStats(stats -> {
        stats.getJsonArray("timings", new JsonArray()).forEach(t -> timings.add((JsonArray) t));
        return timings.size() >= 20;
      });
      for (JsonArray timing : timings) {
        long processing = timing.getLong(1);
        long decode = timing.getLong(3);
        long encode = timing.getLong(4);
        JsonArray ops = timing.getJsonArray(5);
        assertThat(ops.stream().map(op -> ((JsonArray) op).getString(0))).containsExactly("resize", "blur", "flip");
        long opsTotal = ops.stream().mapToLong(op -> ((JsonArray) op).getLong(1)).sum();
        long setup = timing.getLong(6); // making the ops: the pipeline's first frame on each worker
        assertThat(decode).isPositive();
        assertThat(encode).isPositive();
        // The stages cover the processing time but for bookkeeping: within 10 %.
        assertThat((double) decode + setup + opsTotal + encode).as(timing.encode()).isBetween(processing * 0.9, processing * 1.0 + 1);
      }
    }
    Metrics metrics = Metrics.scrape(port);
    for (String series : new String[] {"stage=\"queue\"", "stage=\"decode\"", "stage=\"encode\"", "op=\"resize\",stage=\"op\"",
      "op=\"blur\",stage=\"op\"", "op=\"flip\",stage=\"op\""}) {
      assertThat(metrics.value("frameloop_stage_seconds_count{" + (series.startsWith("stage") ? "op=\"\"," : "") + series + "}"))
        .as(series).isEqualTo(25);
    }
    assertThat(metrics.count("frameloop_stage_seconds_count{"))
      .as("one series per op used, plus queue, decode, setup and encode").isEqualTo(7);
    assertThat(metrics.value("frameloop_stage_seconds_count{op=\"\",stage=\"setup\"}")).as("ops made at most once per worker")
      .isBetween(1.0, 2.0);
  }
}
