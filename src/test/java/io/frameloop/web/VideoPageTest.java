package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.frameloop.testing.CameraClips;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.TestServers;
import io.frameloop.video.VideoSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The page's video path in a real Chromium whose fake camera plays a camera-sized clip: its
 * VideoEncoder makes VP8, the server decodes it, processes it and the page draws the reply; and
 * the fallback to JPEG where the browser has no VideoEncoder or the server no codec library.
 */
@ExtendWith(VertxExtension.class)
class VideoPageTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  /** Every frame the page sends: its format, flags and size. */
  private static final String KEEP_SENT = """
    window.sent = [];
    client.addEventListener('sent', ({ detail }) => window.sent.push(
      {format: detail.format, key: !!detail.key, bytes: detail.bytesUp, width: detail.width, height: detail.height}));
    window.keyframes = 0;
    window.videoEcho = null;
    client.addEventListener('video', ({ detail }) => { window.videoEcho = detail; });
    """;

  /** The processed canvas against the camera's picture: mean colour of each, their spread, and the canvas size. */
  private static final String CANVAS_VS_CAMERA = """
    const c = document.getElementById('processed');
    const v = document.getElementById('local');
    const w = c.width, h = c.height;
    const cam = new OffscreenCanvas(w, h).getContext('2d');
    cam.drawImage(v, 0, 0, w, h);
    const a = c.getContext('2d').getImageData(0, 0, w, h).data;
    const b = cam.getImageData(0, 0, w, h).data;
    const mean = (d) => { let r = 0, g = 0, bl = 0, n = 0; for (let i = 0; i < d.length; i += 16) { r += d[i]; g += d[i+1]; bl += d[i+2]; n++; } return [r / n, g / n, bl / n]; };
    let sum = 0, sumSq = 0, n = 0;
    for (let i = 0; i < a.length; i += 16) { const y = (a[i] + a[i+1] + a[i+2]) / 3; sum += y; sumSq += y * y; n++; }
    return {processed: mean(a), camera: mean(b), stddev: Math.sqrt(sumSq / n - (sum / n) ** 2), width: w, height: h};
    """;

  @Test
  void pageSendsVp8AndDrawsTheProcessedPicture(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(500))).actualPort();
    try (HeadlessChromium browser = camera()) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("the page chose video", WAIT, d -> browser.text("format").startsWith("VP8"));
      assertThat(browser.text("format")).isEqualTo("VP8: the browser encodes VP8 and the server decodes it");
      // No resize: the reply is the decoded picture's size, so the drawn result says what the server decoded.
      browser.waitFor("pipeline controls", WAIT, d -> (Boolean) browser.script("return document.getElementById('op-resize') !== null"));
      browser.click("op-resize");
      browser.client(KEEP_SENT);
      browser.click("start");
      browser.waitFor("40 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 40);
      browser.waitFor("the server's input shows", WAIT, d -> browser.text("server-input").equals("vp8 640×480"));

      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sent = (List<Map<String, Object>>) browser.script("return window.sent;");
      assertThat(sent).allMatch(s -> "vp8".equals(s.get("format")), "every frame went as VP8");
      assertThat(sent.get(0).get("key")).as("the first chunk is a key").isEqualTo(true);
      double deltaBytes = sent.stream().filter(s -> !(Boolean) s.get("key")).mapToDouble(s -> ((Number) s.get("bytes")).doubleValue())
        .average().orElseThrow();
      assertThat(deltaBytes).as("a VP8 delta is far smaller than a 45 KB JPEG").isLessThan(15_000);
      @SuppressWarnings("unchecked")
      Map<String, Object> echo = (Map<String, Object>) browser.script("return window.videoEcho;");
      assertThat(new JsonObject(echo).getString("codec")).isEqualTo("vp8");
      assertThat(new JsonObject(echo).getInteger("width")).isEqualTo(640);

      @SuppressWarnings("unchecked")
      Map<String, Object> drawn = (Map<String, Object>) browser.script(CANVAS_VS_CAMERA);
      assertThat(number(drawn, "width")).as("the decoded picture's width").isEqualTo(640);
      assertThat(number(drawn, "height")).isEqualTo(480);
      assertThat(number(drawn, "stddev")).as("the processed canvas is a picture, not a flat fill").isGreaterThan(15);
      @SuppressWarnings("unchecked")
      List<Number> processed = (List<Number>) drawn.get("processed");
      @SuppressWarnings("unchecked")
      List<Number> camera = (List<Number>) drawn.get("camera");
      for (int i = 0; i < 3; i++) {
        // The clip moves, so the frames differ a little; a colour-range or channel-order error moves a mean by far more.
        assertThat(processed.get(i).doubleValue()).as("channel " + i + " mean, processed vs camera " + drawn)
          .isCloseTo(camera.get(i).doubleValue(), within(12.0));
      }
      JsonObject stats = new JsonObject((Map<String, Object>) browser.client(
        "return new Promise((resolve) => client.addEventListener('stats', ({ detail }) => resolve(detail), { once: true }));"));
      assertThat(stats.getJsonObject("input").getString("format")).isEqualTo("vp8");
      assertThat(stats.getLong("errors")).isZero();
      assertThat(browser.text("adaptive-state")).matches("VP8 \\d+ kbit/s, \\d+×\\d+, up to \\d+ fps, [1-8] in flight; limited by .*");
      browser.screenshot(Path.of("target", "browser", "video-page.png"));
    }
  }

  @Test
  void browserWithoutVideoEncoderFallsBackToJpeg(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = camera()) {
      browser.beforeEveryDocument("delete window.VideoEncoder;");
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("the page chose JPEG", WAIT, d -> browser.text("format").startsWith("JPEG"));
      assertThat(browser.text("format")).isEqualTo("JPEG: this browser has no VideoEncoder");
      browser.client(KEEP_SENT);
      browser.click("start");
      browser.waitFor("10 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 10);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sent = (List<Map<String, Object>>) browser.script("return window.sent;");
      assertThat(sent).isNotEmpty().allMatch(s -> "jpeg".equals(s.get("format")));
      browser.waitFor("the server's input shows", WAIT, d -> browser.text("server-input").equals("jpeg 640×480"));
    }
  }

  @Test
  void serverWithoutTheCodecLibraryGetsJpeg() throws Exception {
    // Really without it: a forked server whose class path lacks the bytedeco jars.
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(entry -> !entry.contains("bytedeco"))
      .collect(Collectors.joining(File.pathSeparator));
    try (ForkedServer server = ForkedServer.start("video-page-without-ffmpeg", "256m", Map.of(), List.of(), "no-config-file.json", classPath);
         HeadlessChromium browser = camera()) {
      browser.driver().get("http://127.0.0.1:" + server.port() + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("the page chose JPEG", WAIT, d -> browser.text("format").startsWith("JPEG"));
      assertThat(browser.text("format")).isEqualTo("JPEG: the server cannot decode VP8: " + VideoSupport.MISSING);
      browser.client(KEEP_SENT);
      browser.click("start");
      browser.waitFor("10 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 10);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sent = (List<Map<String, Object>>) browser.script("return window.sent;");
      assertThat(sent).isNotEmpty().allMatch(s -> "jpeg".equals(s.get("format")));
      assertThat(browser.text("message")).as("no error shown").isEmpty();
    }
  }

  static HeadlessChromium camera() {
    return new HeadlessChromium(false, null, true, List.of("--use-file-for-fake-video-capture=" + CameraClips.y4m()));
  }

  private static double number(Map<String, Object> summary, String key) {
    return ((Number) summary.get(key)).doubleValue();
  }
}
