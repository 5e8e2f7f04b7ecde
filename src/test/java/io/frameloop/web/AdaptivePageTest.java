package io.frameloop.web;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.CameraClips;
import io.frameloop.testing.LinkEmulator;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The page's latency-target adaptation in a real Chromium whose fake camera plays camera-sized
 * frames (CameraClips), through the link emulator at 2 Mbit/s up, 10 Mbit/s down, 25 ms each way:
 * the same link, the same browser, first at the fixed quality 0.8, then adapting.
 */
@ExtendWith(VertxExtension.class)
class AdaptivePageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final double TARGET_MS = 150;

  /** Keeps every reply the page's client reports, with what its frame was sent at. */
  private static final String KEEP_REPLIES = """
    window.replies = [];
    client.addEventListener('frame', ({ detail: f }) => window.replies.push(
      {at: f.receivedAt, rtt: f.roundTripMs, up: f.bytesUp, quality: f.quality, width: f.width}));
    """;

  /** Replies since {@code arguments[0]} (performance.now()): {n, seconds, p50, p95, up (mean bytes), quality (min)}. */
  private static final String SINCE = """
    const since = arguments[0];
    const s = window.replies.filter((x) => x.at >= since);
    const rtts = s.map((x) => x.rtt).sort((a, b) => a - b);
    const rank = (p) => rtts[Math.max(0, Math.ceil(p * rtts.length) - 1)];
    return {n: s.length, seconds: (performance.now() - since) / 1000, p50: rank(0.5), p95: rank(0.95),
            up: s.reduce((sum, x) => sum + x.up, 0) / Math.max(1, s.length),
            quality: Math.min(...s.map((x) => x.quality)), width: Math.min(...s.map((x) => x.width))};
    """;

  @Test
  void adaptationMeetsTheTargetOnASlowLinkWhereFixedQualityCannot(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(500))).actualPort();
    LinkEmulator link = await(LinkEmulator.start(vertx, port, 2, 10, Duration.ofMillis(25)));
    try (HeadlessChromium browser = camera()) {
      browser.driver().get("http://127.0.0.1:" + link.port() + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.sendJpeg(); // the JPEG controller's steps (VideoPageTest has the video path)
      // The default pipeline upscales every frame to 700 wide: a ~40 KB reply (32 ms of the 10 Mbit/s
      // downlink) whatever the page sends. Without the resize the reply follows the frame's size.
      browser.waitFor("pipeline controls", WAIT, d -> (Boolean) browser.script("return document.getElementById('op-resize') !== null"));
      browser.click("op-resize");
      browser.client(KEEP_REPLIES);
      browser.click("adaptive"); // off: the fixed quality 0.8 at 640x480
      assertThat(browser.text("adaptive-state")).startsWith("off");
      browser.click("start");
      Map<String, Object> fixed = measure(browser, 3, 6);

      browser.click("adaptive"); // on, from the top settings
      Map<String, Object> adaptive = measure(browser, 15, 8);
      String state = browser.text("adaptive-state");
      browser.screenshot(Path.of("target", "browser", "adaptive-page.png"));
      System.err.println("fixed " + fixed + "\nadaptive " + adaptive + "\n" + state);

      assertThat(number(fixed, "quality")).isEqualTo(0.8);
      assertThat(number(adaptive, "p95")).as("adaptive p95 after settling; " + adaptive + "; " + state).isLessThanOrEqualTo(TARGET_MS);
      assertThat(number(adaptive, "n") / number(adaptive, "seconds")).as("frames/s back").isGreaterThanOrEqualTo(10);
      assertThat(number(adaptive, "up")).as("bytes up per frame").isLessThan(number(fixed, "up"));
      assertThat(number(fixed, "p50")).as("fixed quality round trip vs adaptive").isGreaterThan(1.5 * number(adaptive, "p50"));
      assertThat(number(fixed, "p95")).isGreaterThan(TARGET_MS);
      assertThat(state).matches("quality 0\\.[4-7]0, \\d+×\\d+, up to \\d+ fps, [1-8] in flight; limited by the (uplink|downlink)");
    } finally {
      await(link.close());
    }
  }

  @Test
  void adaptationStaysAtTheTopOnAnUnconstrainedLink(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = camera()) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.sendJpeg(); // the JPEG controller's steps (VideoPageTest has the video path)
      browser.client(KEEP_REPLIES);
      browser.click("start");
      Map<String, Object> adaptive = measure(browser, 2, 6);
      assertThat(number(adaptive, "n")).isGreaterThan(30);
      assertThat(number(adaptive, "quality")).isEqualTo(0.8);
      assertThat(number(adaptive, "width")).isEqualTo(640);
      assertThat(((Number) browser.client("return client.adaptive.changes;")).intValue()).isZero();
      assertThat(browser.text("adaptive-state")).matches("quality 0\\.80, 640×480, up to 30 fps, [2-8] in flight; limited by nothing \\(top settings\\)");
    }
  }

  private static HeadlessChromium camera() {
    return new HeadlessChromium(false, null, true, List.of("--use-file-for-fake-video-capture=" + CameraClips.y4m()));
  }

  /** Waits {@code settleSeconds}, then sums up the replies of the next {@code seconds}. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> measure(HeadlessChromium browser, int settleSeconds, int seconds) throws InterruptedException {
    Thread.sleep(settleSeconds * 1000L);
    Object since = browser.script("return performance.now()");
    Thread.sleep(seconds * 1000L);
    return (Map<String, Object>) browser.script(SINCE, since);
  }

  private static double number(Map<String, Object> summary, String key) {
    return ((Number) summary.get(key)).doubleValue();
  }
}
