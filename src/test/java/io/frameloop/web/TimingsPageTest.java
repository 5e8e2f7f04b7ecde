package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The page's stage bars and glass-to-glass latency, in a real headless Chromium with its fake camera. */
@ExtendWith(VertxExtension.class)
class TimingsPageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  @SuppressWarnings("unchecked")
  void pageShowsWhereEachFramesTimeGoesAndGlassToGlassLatency(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      // The stage timings the client library hands the page with each stats message.
      browser.client("window.timedFrames = []; client.addEventListener('stats', (e) => window.timedFrames.push(...e.detail.frames));");
      browser.click("start");
      browser.waitFor("stage bars for 10 frames", WAIT, d -> ((Number) browser.script("return window.timedFrames.length")).intValue() >= 10);
      browser.waitFor("glass-to-glass shown", WAIT, d -> browser.text("g2g-p95").matches("\\d+"));
      List<Map<String, Object>> bars = (List<Map<String, Object>>) browser.script("return window.timedFrames");
      for (Map<String, Object> bar : bars) {
        assertThat(((Number) bar.get("decode")).doubleValue()).as(bar.toString()).isPositive();
        assertThat(((Number) bar.get("encode")).doubleValue()).as(bar.toString()).isPositive();
        assertThat((String) bar.get("opNames")).as("the default pipeline's ops by name").startsWith("resize").contains("flip");
      }
      double p50 = Double.parseDouble(browser.text("g2g-p50"));
      double roundTrip = Double.parseDouble(browser.text("latency-p50"));
      // Glass to glass spans the round trip and more: capture before sending, display after receiving.
      assertThat(p50).isGreaterThanOrEqualTo(Math.floor(roundTrip));
      assertThat(browser.text("stage-legend")).contains("decode").contains("resize");
      assertThat(browser.text("reply-quality")).isEqualTo("80");
    }
  }
}
