package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /metrics in Prometheus text format and /health, after real traffic. */
@ExtendWith(VertxExtension.class)
class MetricsTest {

  @Test
  void metricsMatchTheTrafficAndHealthIsUp(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options().setMaxFps(0)).actualPort();
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
      HttpClient http = vertx.createHttpClient();
      String metrics = get(http, port, "/metrics");

      assertThat(value(metrics, "frameloop_frames_in_total")).isEqualTo(11);
      assertThat(value(metrics, "frameloop_frames_out_total")).isEqualTo(10);
      assertThat(value(metrics, "frameloop_bytes_in_total")).isEqualTo(bytesSent);
      assertThat(value(metrics, "frameloop_errors_total{code=\"bad_frame\"}")).isEqualTo(1);
      assertThat(value(metrics, "frameloop_errors_total{code=\"bad_message\"}")).isEqualTo(1);
      assertThat(value(metrics, "frameloop_frames_dropped_total{reason=\"stale\"}")).isZero();
      assertThat(value(metrics, "frameloop_sessions_active")).isEqualTo(1);
      assertThat(value(metrics, "frameloop_workers")).isEqualTo(2);
      assertThat(value(metrics, "frameloop_workers_busy")).isZero();
      assertThat(value(metrics, "frameloop_processing_seconds_count")).isEqualTo(10);
      assertThat(metrics).contains("frameloop_queue_wait_seconds_bucket");

      JsonObject health = new JsonObject(get(http, port, "/health"));
      assertThat(health.getString("status")).isEqualTo("UP");
      assertThat(health.getJsonArray("checks").encode()).contains("workers").contains("opencv");
    }
  }

  private static double value(String metrics, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in:\n" + metrics);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String get(HttpClient http, int port, String path) {
    return await(http.request(HttpMethod.GET, port, "127.0.0.1", path)
      .compose(request -> request.send())
      .compose(HttpClientResponse::body)).toString();
  }
}
