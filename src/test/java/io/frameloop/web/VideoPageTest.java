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
    client.addEventListener('video', ({ detail }) => { if (!detail.direction) window.videoEcho = detail; });
    window.replies = {jpeg: 0, vp8: 0};
    client.addEventListener('frame', () => window.replies.jpeg++);
    client.addEventListener('videoChunk', () => window.replies.vp8++);
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
    const spread = (d) => { let sum = 0, sumSq = 0, n = 0; for (let i = 0; i < d.length; i += 16) { const y = (d[i] + d[i+1] + d[i+2]) / 3; sum += y; sumSq += y * y; n++; } return Math.sqrt(sumSq / n - (sum / n) ** 2); };
    return {processed: mean(a), camera: mean(b), stddev: spread(a), cameraStddev: spread(b), width: w, height: h};
    """;

  @Test
  void withDefaultSettingsThePageSendsVp8AndDrawsVp8RepliesInTheCamerasColours(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(500))).actualPort();
    // A still camera: the drawn reply and the preview show the same picture, so their colours compare closely.
    try (HeadlessChromium browser = new HeadlessChromium(false, null, true,
      List.of("--use-file-for-fake-video-capture=" + CameraClips.still("astronaut-640x480.jpg")))) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("the page chose video", WAIT, d -> browser.text("format").startsWith("VP8"));
      assertThat(browser.text("format")).isEqualTo("VP8: the browser encodes VP8 and the server decodes it");
      browser.waitFor("the page chose VP8 replies", WAIT, d -> browser.text("reply-format").startsWith("VP8"));
      assertThat(browser.text("reply-format")).isEqualTo("VP8: the server encodes VP8 and the browser decodes it");
      browser.client(KEEP_SENT);
      browser.click("start");
      browser.waitFor("40 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 40);
      browser.waitFor("the server's input shows", WAIT, d -> browser.text("server-input").equals("vp8 640×480"));
      browser.waitFor("the server's output shows", WAIT, d -> browser.text("server-output").startsWith("vp8 "));

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
      Map<String, Object> replies = (Map<String, Object>) browser.script("return window.replies;");
      assertThat(number(replies, "jpeg")).as("no JPEG reply " + replies).isZero();
      assertThat(number(replies, "vp8")).as("VP8 replies " + replies).isGreaterThan(20);

      @SuppressWarnings("unchecked")
      Map<String, Object> drawn = (Map<String, Object>) browser.script(CANVAS_VS_CAMERA);
      // The default pipeline resizes to 700 wide: the drawn reply is the server's output.
      assertThat(browser.text("server-output")).isEqualTo("vp8 " + (int) number(drawn, "width") + "×" + (int) number(drawn, "height"));
      assertThat(number(drawn, "width")).isEqualTo(700);
      assertThat(number(drawn, "stddev")).as("the processed canvas is a picture, not a flat fill").isGreaterThan(15);
      assertColoursClose(drawn);
      JsonObject stats = new JsonObject((Map<String, Object>) browser.client(
        "return new Promise((resolve) => client.addEventListener('stats', ({ detail }) => resolve(detail), { once: true }));"));
      assertThat(stats.getJsonObject("input").getString("format")).isEqualTo("vp8");
      assertThat(stats.getJsonObject("output").getString("format")).isEqualTo("vp8");
      assertThat(stats.getLong("errors")).isZero();
      assertThat(browser.text("message")).as("no error shown").isEmpty();
      assertThat(browser.text("adaptive-state")).matches("VP8 \\d+ kbit/s, \\d+×\\d+, up to \\d+ fps, [1-8] in flight; limited by .*");
      browser.screenshot(Path.of("target", "browser", "video-page.png"));

      // Forced JPEG replies: the page asks the server for them, draws them, still sending VP8.
      browser.jpegReplies();
      assertThat(browser.text("reply-format")).isEqualTo("JPEG: JPEG replies were chosen");
      browser.client("window.replies = {jpeg: 0, vp8: 0};");
      browser.waitFor("JPEG replies", WAIT, d -> ((Number) browser.script("return window.replies.jpeg")).intValue() > 10);
      browser.waitFor("the server's output shows JPEG", WAIT, d -> browser.text("server-output").startsWith("jpeg "));
      assertThat(browser.text("format")).startsWith("VP8");
      @SuppressWarnings("unchecked")
      Map<String, Object> drawnJpeg = (Map<String, Object>) browser.script(CANVAS_VS_CAMERA);
      assertColoursClose(drawnJpeg);
    }
  }

  /**
   * Each channel's mean and the picture's spread on the processed canvas against the still camera's. Measured:
   * within 1 of each other; VP8 replies decoded without the stream's colour space (Chromium then labels them
   * limited-range) are 6, 5 and 2 off, their spread 16 % wider.
   */
  @SuppressWarnings("unchecked")
  private static void assertColoursClose(Map<String, Object> drawn) {
    List<Number> processed = (List<Number>) drawn.get("processed");
    List<Number> camera = (List<Number>) drawn.get("camera");
    for (int i = 0; i < 3; i++) {
      assertThat(processed.get(i).doubleValue()).as("channel " + i + " mean, processed vs camera " + drawn)
        .isCloseTo(camera.get(i).doubleValue(), within(3.0));
    }
    assertThat(number(drawn, "stddev") / number(drawn, "cameraStddev")).as("spread, processed vs camera " + drawn)
      .isCloseTo(1.0, within(0.06));
  }

  /** Feeds the page's reply decoder one undecodable delta with the next sequence number, as a broken chunk would come. */
  private static final String BREAK_THE_STREAM = """
    return import('/app.js').then(({ replyDecoder }) => {
      const message = new ArrayBuffer(16 + 200);
      const bytes = new Uint8Array(message);
      bytes.set([0x46, 0x4C, 1, 0x01]); // FL, version 1, VIDEO (a delta)
      new DataView(message).setUint32(4, 0x7FFFFFF0);
      bytes.fill(0xFF, 16);
      const before = { decoded: replyDecoder.decoded, errors: replyDecoder.errors };
      replyDecoder.decode(message);
      return before;
    });
    """;

  @Test
  void afterAnUndecodableReplyThePageAsksForAKeyAndDrawsAgainFromIt(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = camera()) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page chose VP8 replies", WAIT, d -> browser.text("reply-format").startsWith("VP8"));
      browser.client(KEEP_SENT + """
        window.keys = 0;
        client.addEventListener('videoChunk', ({ detail }) => { if (detail.key) window.keys++; });
        window.keyframeRequests = 0;
        // Every message the page shows, however briefly: a key can clear the decoder's error before a poll sees it.
        window.messages = [];
        const shown = document.getElementById('message');
        new MutationObserver(() => window.messages.push(shown.textContent))
          .observe(shown, { childList: true, characterData: true, subtree: true });
        const send = client.requestKeyframe.bind(client);
        client.requestKeyframe = () => { window.keyframeRequests++; return send(); };
        """);
      browser.click("start");
      browser.waitFor("VP8 replies drawn", WAIT, d -> ((Number) browser.script("return window.replies.vp8")).intValue() > 20);
      assertThat(((Number) browser.script("return window.keys")).intValue()).as("one stream, one key").isEqualTo(1);

      @SuppressWarnings("unchecked")
      Map<String, Object> before = (Map<String, Object>) browser.script(BREAK_THE_STREAM);
      browser.waitFor("the decoder's error shown", WAIT, d -> (Boolean) browser.script(
        "return window.messages.some((m) => m.startsWith('A VP8 reply could not be decoded'))"));
      assertThat(((Number) browser.script("return window.keyframeRequests")).intValue()).as("one key asked for").isEqualTo(1);
      browser.waitFor("a key chunk in answer", WAIT, d -> ((Number) browser.script("return window.keys")).intValue() >= 2);
      long decodedAtError = ((Number) browser.script("return import('/app.js').then(({ replyDecoder }) => replyDecoder.decoded)")).longValue();
      browser.waitFor("pictures decoded again from the key", WAIT, d -> ((Number) browser.script(
        "return import('/app.js').then(({ replyDecoder }) => replyDecoder.decoded)")).longValue() > decodedAtError + 10);
      browser.waitFor("the message cleared by a whole picture", WAIT, d -> browser.text("message").isEmpty());
      assertThat(number(before, "errors")).isZero();
      JsonObject stats = new JsonObject((Map<String, Object>) browser.client(
        "return new Promise((resolve) => client.addEventListener('stats', ({ detail }) => resolve(detail), { once: true }));"));
      assertThat(stats.getLong("errors")).as("the server saw nothing wrong").isZero();
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
      browser.waitFor("the page chose JPEG replies", WAIT, d -> browser.text("reply-format").startsWith("JPEG"));
      assertThat(browser.text("reply-format")).isEqualTo("JPEG: the server cannot encode VP8: " + VideoSupport.MISSING);
      browser.client(KEEP_SENT);
      browser.click("start");
      browser.waitFor("10 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 10);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sent = (List<Map<String, Object>>) browser.script("return window.sent;");
      assertThat(sent).isNotEmpty().allMatch(s -> "jpeg".equals(s.get("format")));
      @SuppressWarnings("unchecked")
      Map<String, Object> replies = (Map<String, Object>) browser.script("return window.replies;");
      assertThat(number(replies, "vp8")).as("JPEG replies only " + replies).isZero();
      assertThat(number(replies, "jpeg")).as("JPEG replies " + replies).isGreaterThan(10);
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
