package io.frameloop.endtoend.metrics;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /metrics in Prometheus text format and /health, after real traffic. */
@ExtendWith(VertxExtension.class)
class MetricsTest {

  @Test
  void metricsMatchTheTrafficAndHealthIsUp(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
    Buffer frame = Images.leftRedRightBlue();
    long bytesSent = 0;
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      for (int seq = 1; seq <= 10; seq++) {
        client.sendFramed(seq, 0, frame);
        bytesSent += frame.length() + 16;
        client.nextBinary();
      }
      client.sendBinary(Buffer.buffer("nope"));
      bytesSent += 4;
      client.next("error");
      client.sendText("{}");
      client.next("error");
      HttpResponse<String> scrape = Http.get(port, "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      Metrics metrics = Metrics.of(scrape.body());

      assertThat(metrics.value("frameloop_frames_in_total")).isEqualTo(11);
      assertThat(metrics.value("frameloop_frames_out_total")).isEqualTo(10);
      assertThat(metrics.value("frameloop_bytes_in_total")).isEqualTo(bytesSent);
      assertThat(metrics.value("frameloop_errors_total{code=\"bad_frame\"}")).isEqualTo(1);
      assertThat(metrics.value("frameloop_errors_total{code=\"bad_message\"}")).isEqualTo(1);
      assertThat(metrics.value("frameloop_frames_dropped_total{reason=\"stale\"}")).isZero();
      assertThat(metrics.value("frameloop_sessions_active")).isEqualTo(1);
      assertThat(metrics.value("frameloop_workers")).isEqualTo(2);
      assertThat(metrics.value("frameloop_workers_busy")).isZero();
      assertThat(metrics.value("frameloop_processing_seconds_count")).isEqualTo(10);
      assertThat(metrics.text()).contains("frameloop_queue_wait_seconds_bucket");

      HttpResponse<String> healthResponse = Http.get(port, "/health");
      assertThat(healthResponse.statusCode()).isEqualTo(200);
      JsonObject health = new JsonObject(healthResponse.body());
      assertThat(health.getString("status")).isEqualTo("UP");
      assertThat(health.getJsonArray("checks").encode()).contains("workers").contains("opencv");
    }
  }

  @Test
  void eachWorkersNativeMemoryIsAGaugeThatFollowsTheFrameSize(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getWorkerOptions().setWorkerInstances(1).setAddress("frameloop.native-gauge");
    })).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("flip")));
      client.sendFramed(1, 0, Images.jpeg(Images.canvas(160, 120, Images.RED, null, null)));
      client.nextBinary();
      double small = Metrics.scrape(port).value("frameloop_worker_native_bytes{worker=\"0\"}");
      client.sendFramed(2, 0, Images.leftRedRightBlue());
      client.nextBinary();
      double large = Metrics.scrape(port).value("frameloop_worker_native_bytes{worker=\"0\"}");
      // Decoded image and the flip's output, 3 bytes a pixel: at least twice 640x480x3 for the larger frame.
      assertThat(small).isPositive();
      assertThat(large).isGreaterThanOrEqualTo(2 * 640 * 480 * 3).isGreaterThan(small);
    }
  }


}
