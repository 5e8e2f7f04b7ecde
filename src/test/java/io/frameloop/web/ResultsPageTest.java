package io.frameloop.web;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.Images;
import io.frameloop.testing.LinkEmulator;
import io.frameloop.testing.ReportingOpFactory;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.opencv.core.Rect;

/**
 * The page's reply modes in a real Chromium whose fake camera shows the astronaut photo (a real face):
 * in {@code results} mode the page draws the server's face box and keypoints over its own preview and
 * shows the count, while no image comes back over the wire; in {@code both} the image comes too. And on
 * the slow link (2 Mbit/s up, 10 Mbit/s down, 25 ms each way) results mode answers each frame with a
 * few hundred bytes where image mode needs tens of kilobytes, the adaptation still running (the frame
 * rates each mode reached are printed, not asserted: they follow the controller's probing).
 */
@ExtendWith(VertxExtension.class)
class ResultsPageTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  /** Before the page's scripts: counts the binary and text messages every WebSocket of the page receives. */
  private static final String COUNT_MESSAGES = """
    window.wire = { binary: 0, results: 0 };
    const PageSocket = window.WebSocket;
    window.WebSocket = class extends PageSocket {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (typeof e.data !== 'string') window.wire.binary++;
          else if (JSON.parse(e.data).type === 'results') window.wire.results++;
        });
      }
    };
    """;

  /** The client's events as the page's client gives them: frame events, the last results and the last stats. */
  private static final String KEEP_EVENTS = """
    window.seen = { frames: 0, results: null, stats: null };
    client.addEventListener('frame', () => window.seen.frames++);
    client.addEventListener('videoChunk', () => window.seen.frames++); // VP8 replies, the page's default
    client.addEventListener('results', ({ detail }) => { window.seen.results = detail; });
    client.addEventListener('stats', ({ detail }) => { window.seen.stats = detail; });
    """;

  /**
   * The overlay canvas: its size, how many of its pixels are drawn, and whether the pixels on the box's
   * four edges (and at each keypoint) are drawn while the canvas's corners are not.
   */
  private static final String OVERLAY = """
    const c = document.getElementById('overlay');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const drawn = (x, y) => d[(Math.round(y) * c.width + Math.round(x)) * 4 + 3] > 128;
    let opaque = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 128) opaque++;
    const r = window.seen.results;
    const face = r.detections[0];
    const [x, y, w, h] = face.box;
    const edges = [[x, y + h / 2], [x + w, y + h / 2], [x + w / 2, y], [x + w / 2, y + h]].map(([a, b]) => drawn(a, b));
    const keypoints = (face.keypoints || []).map(([a, b]) => drawn(a, b));
    const corners = [[1, 1], [c.width - 2, 1], [1, c.height - 2], [c.width - 2, c.height - 2]].map(([a, b]) => drawn(a, b));
    return { width: c.width, height: c.height, opaque, edges, keypoints, corners };
    """;

  /** Every answered frame, its image or (results mode) its results message, with what it was sent at. */
  private static final String KEEP_ANSWERS = """
    window.answers = [];
    const keep = (a) => window.answers.push({at: a.receivedAt, rtt: a.roundTripMs, up: a.bytesUp, down: a.bytesDown, width: a.width});
    client.addEventListener('frame', ({ detail }) => keep(detail));
    client.addEventListener('results', ({ detail }) => { if (detail.reply === 'results') keep(detail); });
    """;

  /** Answers since {@code arguments[0]} (performance.now()): {n, seconds, p50, down (mean bytes), up (mean bytes)}. */
  private static final String ANSWERS_SINCE = """
    const since = arguments[0];
    const s = window.answers.filter((x) => x.at >= since);
    const rtts = s.map((x) => x.rtt).sort((a, b) => a - b);
    const mean = (f) => s.reduce((sum, x) => sum + f(x), 0) / Math.max(1, s.length);
    return {n: s.length, seconds: (performance.now() - since) / 1000, p50: rtts[Math.max(0, Math.ceil(0.5 * rtts.length) - 1)],
            down: mean((x) => x.down), up: mean((x) => x.up)};
    """;

  @Test
  @SuppressWarnings("unchecked")
  void inResultsModeThePageDrawsTheFaceOverItsPreviewAndNoImageComesBack(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(500))).actualPort();
    Path astronaut = CameraClips.still("astronaut-640x480.jpg");
    try (HeadlessChromium browser = new HeadlessChromium(false, null, true, List.of("--use-file-for-fake-video-capture=" + astronaut))) {
      browser.beforeEveryDocument(COUNT_MESSAGES);
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("pipeline controls", WAIT, d -> (Boolean) browser.script("return document.getElementById('op-faces') !== null"));
      browser.client(KEEP_EVENTS);
      assertThat(browser.script("return document.getElementById('reply').value")).as("the server's default").isEqualTo("image");

      // faces with keypoints after the default resize to 700: the boxes still come in the sent frame's pixels.
      browser.script("document.querySelector('[data-op=faces] [data-param=keypoints]').click();");
      browser.click("op-faces");
      new Select(browser.driver().findElement(By.id("reply"))).selectByValue("results");
      browser.waitFor("the server answers in results mode with faces and keypoints", WAIT, d -> (Boolean) browser.client(
        "const p = client.pipeline; return p.reply === 'results' && p.ops.some(op => op.op === 'faces' && op.keypoints === true);"));
      assertThat(browser.text("processed-caption")).startsWith("No image back in results mode");

      browser.click("start");
      // Within 15 s (about 1 s here): a window waiting for images that never come would free a place only
      // when a frame's 3 s timeout runs out, 2 frames per 3 s.
      browser.waitFor("20 frames answered", Duration.ofSeconds(15), d -> Integer.parseInt(browser.text("recv-count")) > 20);
      browser.waitFor("the face counted", WAIT, d -> browser.text("detection-count").equals("1 (face 1)"));

      Map<String, Object> results = (Map<String, Object>) browser.script("return window.seen.results");
      assertThat(results.get("type")).isEqualTo("results");
      assertThat(results.get("reply")).isEqualTo("results");
      int width = number(results, "width");
      int height = number(results, "height");
      assertThat(width * 3).as("the sent frame's aspect, 4:3").isEqualTo(height * 4);
      List<Map<String, Object>> detections = (List<Map<String, Object>>) results.get("detections");
      assertThat(detections).hasSize(1);
      List<Number> box = (List<Number>) detections.get(0).get("box");
      // The face where the photo has it, in the pixels of the frame as sent (the page may send it smaller).
      double scale = width / 640.0;
      Rect face = Images.ASTRONAUT_FACE;
      assertThat(box.get(0).doubleValue() + box.get(2).doubleValue() / 2).as("box centre x " + box)
        .isCloseTo((face.x + face.width / 2.0) * scale, within(25 * scale));
      assertThat(box.get(1).doubleValue() + box.get(3).doubleValue() / 2).as("box centre y " + box)
        .isCloseTo((face.y + face.height / 2.0) * scale, within(30 * scale));
      assertThat(box.get(2).doubleValue()).as("box width " + box).isBetween(80 * scale, 160 * scale);

      Map<String, Object> overlay = (Map<String, Object>) browser.script(OVERLAY);
      assertThat(number(overlay, "width")).as("the overlay in the sent frame's pixels").isEqualTo(width);
      assertThat(number(overlay, "height")).isEqualTo(height);
      assertThat((List<Boolean>) overlay.get("edges")).as("the box drawn on its four edges").containsOnly(true);
      assertThat((List<Boolean>) overlay.get("keypoints")).as("a dot at each keypoint").isNotEmpty().containsOnly(true);
      assertThat((List<Boolean>) overlay.get("corners")).as("the preview shows through elsewhere").containsOnly(false);
      assertThat(number(overlay, "opaque")).as("lines and dots, not a filled canvas").isPositive().isLessThan(width * height / 10);
      assertThat((String) browser.script("return getComputedStyle(document.getElementById('overlay')).position")).isEqualTo("absolute");
      assertThat(browser.script("const c = document.getElementById('processed');"
        + " return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);"))
        .as("the processed canvas keeps no image in results mode").isEqualTo(false);

      // No image over the wire, none waited for; yet the frames count as out and the round trips as measured.
      Map<String, Object> wire = (Map<String, Object>) browser.script("return window.wire");
      assertThat(number(wire, "results")).as("results messages received").isGreaterThan(20);
      assertThat(number(wire, "binary")).as("binary (image) messages received").isZero();
      assertThat(number((Map<String, Object>) browser.script("return window.seen"), "frames")).as("frame events").isZero();
      Map<String, Object> stats = browser.waitFor("stats counting answered frames", WAIT, d -> {
        Map<String, Object> s = (Map<String, Object>) browser.script("return window.seen.stats");
        return s != null && ((Number) s.get("out")).intValue() > 5 ? s : null;
      });
      assertThat(number(stats, "errors")).as("stats " + stats).isZero();
      assertThat(browser.text("latency-p50")).as("round trips measured on the results").matches("\\d+\\.\\d");
      assertThat(browser.text("adaptive-state")).as("the controller runs (JPEG quality or video bitrate)").matches("(quality |VP8 ).*");
      assertThat(browser.text("message")).isEmpty();

      // The collapsible panel: the last results message as the server sent it.
      assertThat(browser.driver().findElement(By.id("results-json")).isDisplayed()).as("closed at first").isFalse();
      browser.driver().findElement(By.cssSelector("#results-panel summary")).click();
      String panel = browser.text("results-json");
      assertThat(panel).as("a box on one line").containsPattern("\"box\": \\[\\d+, \\d+, \\d+, \\d+\\]");
      JsonObject shown = new JsonObject(panel);
      assertThat(shown.getString("type")).isEqualTo("results");
      assertThat(shown.getJsonArray("detections")).hasSize(1);
      assertThat(shown.fieldNames()).as("the server's fields only").doesNotContain("reply", "roundTripMs", "bytesDown");
      browser.screenshot(Path.of("target", "browser", "results-page.png"));

      // both: the image comes back too, the overlay stays; image: the overlay goes.
      new Select(browser.driver().findElement(By.id("reply"))).selectByValue("both");
      browser.waitFor("images again, in both mode", WAIT, d -> ((Number) browser.script("return window.seen.frames")).intValue() > 10);
      assertThat(number((Map<String, Object>) browser.script("return window.wire"), "binary")).isGreaterThan(10);
      assertThat(browser.script("return window.seen.results.reply")).isEqualTo("both");
      assertThat((List<Boolean>) ((Map<String, Object>) browser.script(OVERLAY)).get("edges")).containsOnly(true);
      new Select(browser.driver().findElement(By.id("reply"))).selectByValue("results");
      browser.waitFor("the processed canvas emptied again in results mode", WAIT, d -> (Boolean) browser.script(
        "const c = document.getElementById('processed');"
        + " return !c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);"));
      new Select(browser.driver().findElement(By.id("reply"))).selectByValue("image");
      browser.waitFor("the overlay cleared in image mode", WAIT,
        d -> number((Map<String, Object>) browser.script(OVERLAY), "opaque") == 0);
      assertThat(browser.text("detection-count")).isEqualTo("–");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void onTheSlowLinkResultsModeAnswersEachFrameWithAFewHundredBytes(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(500))).actualPort();
    LinkEmulator link = await(LinkEmulator.start(vertx, port, 2, 10, Duration.ofMillis(25)));
    Path astronaut = CameraClips.still("astronaut-640x480.jpg");
    try (HeadlessChromium browser = new HeadlessChromium(false, null, true, List.of("--use-file-for-fake-video-capture=" + astronaut))) {
      browser.driver().get("http://127.0.0.1:" + link.port() + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("pipeline controls", WAIT, d -> (Boolean) browser.script("return document.getElementById('op-faces') !== null"));
      browser.jpegReplies(); // JPEG images against results (a VP8 reply is a few KB)
      browser.client(KEEP_ANSWERS);
      // The default pipeline (resize to 700) plus faces: in image mode a ~40 KB reply per frame.
      browser.click("op-faces");
      browser.click("start");
      Map<String, Object> image = measure(browser, 8, 6);
      String imageState = browser.text("adaptive-state");

      new Select(browser.driver().findElement(By.id("reply"))).selectByValue("results");
      browser.waitFor("results mode", WAIT, d -> "results".equals(browser.client("return client.pipeline.reply;")));
      Map<String, Object> results = measure(browser, 8, 6);
      String resultsState = browser.text("adaptive-state");
      System.err.println("image " + image + "; " + imageState + "\nresults " + results + "; " + resultsState);

      assertThat(decimal(image, "down")).as("image mode: bytes down per frame " + image).isGreaterThan(10_000);
      assertThat(decimal(results, "down")).as("results mode: one face's results message per frame " + results).isLessThan(1024);
      assertThat(decimal(results, "n")).as("answered frames in results mode").isGreaterThan(10);
      assertThat(resultsState).as("the controller runs on the results' round trips").matches("(quality |VP8 ).*");
      assertThat(resultsState).as("the switch restarted the controller; results alone do not fill the downlink").doesNotContain("downlink");
      assertThat(decimal(results, "p50")).as("the round trip kept under the page's 150 ms target " + results).isLessThanOrEqualTo(150);
      assertThat(browser.text("detection-count")).isEqualTo("1 (face 1)");
    } finally {
      await(link.close());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aLabelThatIsHtmlIsShownAsTextNeverInsertedIntoThePage(Vertx vertx) {
    OpRegistry registry = OpRegistry.withDefaults().register(new ReportingOpFactory());
    int port = TestServers.start(vertx, TestServers.options(), registry).actualPort();
    String label = ReportingOpFactory.LABELS.get(2);
    Path astronaut = CameraClips.still("astronaut-640x480.jpg");
    try (HeadlessChromium browser = new HeadlessChromium(false, null, true, List.of("--use-file-for-fake-video-capture=" + astronaut))) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      long images = (Long) browser.script("return document.querySelectorAll('img').length");
      browser.client("client.setPipeline([{ op: 'report', label: arguments[0] }], undefined, 'results');", label);
      browser.waitFor("results mode", WAIT, d -> "results".equals(browser.client("return client.pipeline.reply;")));
      browser.click("start");
      browser.waitFor("the detection counted under its label", WAIT, d -> browser.text("detection-count").equals("1 (" + label + " 1)"));
      browser.driver().findElement(By.cssSelector("#results-panel summary")).click();
      JsonObject shown = new JsonObject(browser.text("results-json"));
      assertThat(shown.getJsonArray("detections").getJsonObject(0).getString("label")).isEqualTo(label);
      Map<String, Object> page = (Map<String, Object>) browser.script("return { injected: window.injected === undefined ? null : 1,"
        + " images: document.querySelectorAll('img').length,"
        + " count: document.getElementById('detection-count').childElementCount,"
        + " panel: document.getElementById('results-json').childElementCount };");
      assertThat(page.get("injected")).as("the label's onerror never ran").isNull();
      assertThat(number(page, "images")).as("no element made from the label").isEqualTo((int) images);
      assertThat(number(page, "count")).isZero();
      assertThat(number(page, "panel")).isZero();
    }
  }

  /** Waits {@code settleSeconds}, then sums up the answers of the next {@code seconds}. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> measure(HeadlessChromium browser, int settleSeconds, int seconds) throws InterruptedException {
    Thread.sleep(settleSeconds * 1000L);
    Object since = browser.script("return performance.now()");
    Thread.sleep(seconds * 1000L);
    return (Map<String, Object>) browser.script(ANSWERS_SINCE, since);
  }

  private static double decimal(Map<String, Object> map, String key) {
    return ((Number) map.get(key)).doubleValue();
  }

  private static int number(Map<String, Object> map, String key) {
    return ((Number) map.get(key)).intValue();
  }
}
