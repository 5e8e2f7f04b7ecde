package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.TestServers;
import io.frameloop.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The browser client library from a web developer's page (the README's example) and the demo
 * page honouring the server's limits, in a real headless Chromium with its fake camera.
 */
@ExtendWith(VertxExtension.class)
class ClientLibraryPageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A developer's own page, the README's example: import from the server's path, connect with a token, attach the camera, draw. */
  private static final String OWN_PAGE = """
    <!doctype html>
    <canvas id="out"></canvas>
    <p>frames <span id="frames">0</span>, stats <span id="stats">0</span>, errors <span id="errors"></span></p>
    <script type="module">
      import { FrameLoopClient } from '/frameloop-client.js';

      const client = new FrameLoopClient({ token: 'TOKEN' });
      const out = document.getElementById('out').getContext('2d');
      const show = (id, text) => { document.getElementById(id).textContent = text; };
      let frames = 0;
      client.addEventListener('hello', () => client.setPipeline([{ op: 'gray' }]));
      client.addEventListener('frame', async ({ detail }) => {
        const picture = await createImageBitmap(detail.jpeg);
        out.canvas.width = picture.width;
        out.canvas.height = picture.height;
        out.drawImage(picture, 0, 0);
        show('frames', ++frames);
      });
      client.addEventListener('stats', ({ detail }) => show('stats', detail.out));
      client.addEventListener('error', ({ detail }) => show('errors', `${detail.code}: ${detail.message}`));
      client.connect();
      client.attachCamera(await navigator.mediaDevices.getUserMedia({ video: true }));
    </script>
    """;

  /** Mean chroma and spread of the own page's canvas: {chroma, stddev, width}. */
  private static final String CANVAS_SUMMARY = """
    const c = document.getElementById('out');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let chroma = 0, sum = 0, sumSq = 0, n = 0;
    for (let i = 0; i < d.length; i += 16) {
      chroma += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
      const y = (d[i] + d[i + 1] + d[i + 2]) / 3; sum += y; sumSq += y * y; n++;
    }
    const mean = sum / n;
    return {chroma: chroma / n, stddev: Math.sqrt(sumSq / n - mean * mean), width: c.width};
    """;

  @Test
  @SuppressWarnings("unchecked")
  void aPageOfItsOwnStreamsThroughTheLibraryWithAToken(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getAuthOptions().setAuthJwtSecret(Tokens.SECRET))).actualPort();
    String token = Tokens.hs256(vertx, Tokens.SECRET).valid("web-developer");
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      // Any document of the server's origin will do to write the developer's page into: frameloop.json has no script.
      browser.driver().get("http://127.0.0.1:" + port + "/frameloop.json");
      browser.script("document.open(); document.write(arguments[0]); document.close();", OWN_PAGE.replace("TOKEN", token));
      browser.waitFor("20 processed frames on the page's canvas", WAIT, d -> Integer.parseInt(text(browser, "frames")) > 20);
      browser.waitFor("stats from the server", WAIT, d -> Integer.parseInt(text(browser, "stats")) > 0);
      Map<String, Object> canvas = browser.waitFor("grey frames, the pipeline the page set", WAIT, d -> {
        Map<String, Object> summary = (Map<String, Object>) browser.script(CANVAS_SUMMARY);
        return ((Number) summary.get("chroma")).doubleValue() < 3 ? summary : null;
      });
      assertThat(((Number) canvas.get("stddev")).doubleValue()).as("the camera's picture, in grey").isGreaterThan(5);
      assertThat(((Number) canvas.get("width")).intValue()).as("the camera's width: the page's pipeline has no resize").isEqualTo(640);
      assertThat(text(browser, "errors")).isEmpty();
    }
  }

  /** Only where the server opts in (allowQueryToken): by default it refuses a query token, which its connection would keep. */
  @Test
  void theTokenMayTravelInTheQueryWhenTheServerAllowsIt(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getAuthOptions().setAuthJwtSecret(Tokens.SECRET)
      .setAllowQueryToken(true))).actualPort();
    String token = Tokens.hs256(vertx, Tokens.SECRET).valid("web-developer");
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/frameloop.json");
      browser.script("document.open(); document.write(arguments[0]); document.close();",
        OWN_PAGE.replace("{ token: 'TOKEN' }", "{ token: '" + token + "', tokenPlace: 'query' }"));
      browser.waitFor("10 processed frames", WAIT, d -> Integer.parseInt(text(browser, "frames")) > 10);
      assertThat(text(browser, "errors")).isEmpty();
    }
  }

  /** Frames of the page's own making through send(): {seqs: what send returned, replies: [{seq, roundTripMs, bytesDown}]}. */
  private static final String SEND_OWN_FRAMES = """
    return (async () => {
      const { FrameLoopClient } = await import('/frameloop-client.js');
      const canvas = new OffscreenCanvas(320, 240);
      const context = canvas.getContext('2d');
      context.fillStyle = '#c04080';
      context.fillRect(0, 0, 320, 240);
      const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      const client = new FrameLoopClient({ maxInFlight: 1 });
      const replies = [];
      const opened = new Promise((resolve) => client.addEventListener('open', resolve));
      const answered = new Promise((resolve) => client.addEventListener('frame', ({ detail }) => {
        replies.push({ seq: detail.seq, roundTripMs: detail.roundTripMs, bytesDown: detail.bytesDown, type: detail.jpeg.type });
        if (replies.length === 2) resolve();
      }));
      client.connect();
      await opened;
      const seqs = [client.send(jpeg), client.send(await jpeg.arrayBuffer())];
      await new Promise((resolve) => client.addEventListener('frame', resolve, { once: true }));
      seqs.push(client.send(jpeg));
      await answered;
      const state = client.state;
      client.close();
      return { seqs, replies, state, inFlight: client.inFlight };
    })();
    """;

  @Test
  @SuppressWarnings("unchecked")
  void framesOfThePagesOwnGoThroughSendWithinTheWindow(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/frameloop.json");
      Map<String, Object> result = (Map<String, Object>) browser.script(SEND_OWN_FRAMES);
      assertThat((List<Object>) result.get("seqs")).as("the second frame found the window of 1 full")
        .containsExactly(1L, -1L, 2L);
      List<Map<String, Object>> replies = (List<Map<String, Object>>) result.get("replies");
      assertThat(replies).extracting(r -> r.get("seq")).containsExactly(1L, 2L);
      for (Map<String, Object> reply : replies) {
        assertThat(((Number) reply.get("roundTripMs")).doubleValue()).as(reply.toString()).isPositive().isLessThan(10_000);
        assertThat(((Number) reply.get("bytesDown")).intValue()).isGreaterThan(16);
        assertThat(reply.get("type")).isEqualTo("image/jpeg");
      }
      assertThat(result.get("state")).isEqualTo("open");
      assertThat(((Number) result.get("inFlight")).intValue()).isZero();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void thePageHonoursTheServersMaxFps(Vertx vertx) throws InterruptedException {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(10).setStatsIntervalMs(500)))
      .actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("the server's limit shown", WAIT, d -> browser.text("limits").equals("server: at most 10 fps"));
      assertThat(browser.script("return document.getElementById('fps').value")).as("Max fps, 30, capped").isEqualTo("10");
      browser.client("window.lastStats = null; client.addEventListener('stats', (e) => { window.lastStats = e.detail; });");
      browser.click("start");
      browser.waitFor("20 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 20);
      assertThat(browser.text("adaptive-state")).matches("(quality 0\\.80|VP8 1000 kbit/s), 640×480, up to 10 fps, .*");
      Thread.sleep(3000);
      Map<String, Object> stats = (Map<String, Object>) browser.script("return window.lastStats");
      Map<String, Object> dropped = (Map<String, Object>) stats.get("dropped");
      assertThat(((Number) dropped.get("rate_limited")).intValue()).as("no frame over the server's rate: " + stats).isZero();
      assertThat(((Number) stats.get("in")).intValue()).as("frames in").isGreaterThan(20);
      assertThat(Integer.parseInt(browser.text("sent-fps"))).as("frames sent in the last second").isBetween(1, 11);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void withoutTrackProcessorOrImageCaptureTheDemoPageCapturesItsVideoElement(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      // A browser like Firefox: neither way to read a track's frames, before the library's modules load.
      browser.beforeEveryDocument("delete window.MediaStreamTrackProcessor; delete window.ImageCapture;");
      browser.driver().get("http://127.0.0.1:" + port + "/");
      assertThat(browser.script("return typeof MediaStreamTrackProcessor + ' ' + typeof ImageCapture"))
        .isEqualTo("undefined undefined");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.click("start");
      browser.waitFor("20 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 20);
      Map<String, Object> camera = (Map<String, Object>) browser.client(
        "return { mode: client.camera.mode, width: client.camera.width, height: client.camera.height };");
      assertThat(camera.get("mode")).as("the page's <video> element, its frameSource").isEqualTo("frame-source");
      assertThat(((Number) camera.get("width")).intValue()).as("the fake camera's width, read off the video").isEqualTo(640);
      assertThat(((Number) camera.get("height")).intValue()).isEqualTo(480);
      assertThat(browser.text("message")).isEmpty();
    }
  }

  private static String text(HeadlessChromium browser, String id) {
    return (String) browser.script("return document.getElementById(arguments[0]).textContent", id);
  }
}
