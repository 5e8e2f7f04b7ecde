package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * VP8 replies in a real headless Chromium: a page of its own asks for them through the client
 * library, and decodes them with WebCodecs' VideoDecoder (webroot/video-reply-decoder.js) onto its
 * canvas; the picture is the fake camera's, through the page's grey pipeline, at the camera's size.
 */
@ExtendWith(VertxExtension.class)
class VideoRepliesPageTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  private static final String PAGE = """
    <!doctype html>
    <canvas id="out"></canvas>
    <p>decoded <span id="decoded">0</span>, chunks <span id="chunks">0</span>, keys <span id="keys">0</span>,
      output <span id="output"></span>, errors <span id="errors"></span></p>
    <script type="module">
      import { FrameLoopClient, VideoReplyDecoder } from '/frameloop-client.js';

      const client = new FrameLoopClient();
      const out = document.getElementById('out').getContext('2d');
      const show = (id, text) => { document.getElementById(id).textContent = text; };
      let chunks = 0, keys = 0;
      const decoder = new VideoReplyDecoder({
        onFrame: (frame) => {
          out.canvas.width = frame.displayWidth;
          out.canvas.height = frame.displayHeight;
          out.drawImage(frame, 0, 0);
          frame.close();
          show('decoded', decoder.decoded);
        },
        onError: (e) => show('errors', 'decoder: ' + e.message),
        onKeyframeWanted: () => client.requestKeyframe(),
      });
      client.addEventListener('hello', () => client.sendJson({ type: 'pipeline', ops: [{ op: 'gray' }], replyFormat: 'vp8' }));
      client.addEventListener('video', ({ detail }) => { if (detail.direction === 'reply') decoder.describe(detail); });
      client.addEventListener('videoChunk', ({ detail }) => {
        show('chunks', ++chunks);
        if (detail.key) show('keys', ++keys);
        decoder.decode(detail.message);
      });
      client.addEventListener('stats', ({ detail }) => show('output', JSON.stringify(detail.output || {})));
      client.addEventListener('error', ({ detail }) => show('errors', `${detail.code}: ${detail.message}`));
      client.connect();
      client.attachCamera(await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } }));
    </script>
    """;

  /** Mean chroma and spread of the canvas: {chroma, stddev, width}. */
  private static final String CANVAS_SUMMARY = """
    const c = document.getElementById('out');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let chroma = 0, sum = 0, sumSq = 0, n = 0;
    for (let i = 0; i < d.length; i += 16) {
      chroma += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
      const y = (d[i] + d[i + 1] + d[i + 2]) / 3; sum += y; sumSq += y * y; n++;
    }
    const mean = sum / n;
    return {chroma: chroma / n, stddev: Math.sqrt(sumSq / n - mean * mean), width: c.width, height: c.height};
    """;

  @Test
  @SuppressWarnings("unchecked")
  void aPageDecodesVp8RepliesWithVideoDecoderOntoItsCanvas(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/frameloop.json");
      browser.script("document.open(); document.write(arguments[0]); document.close();", PAGE);
      browser.waitFor("20 VP8 replies decoded on the page's canvas", WAIT, d -> Integer.parseInt(text(browser, "decoded")) > 20);
      assertThat(text(browser, "errors")).isEmpty();
      assertThat(Integer.parseInt(text(browser, "keys"))).as("one stream: a key at its start, no loss to recover from")
        .isEqualTo(1);
      Map<String, Object> canvas = (Map<String, Object>) browser.script(CANVAS_SUMMARY);
      assertThat(((Number) canvas.get("chroma")).doubleValue()).as("grey, the page's pipeline").isLessThan(3);
      assertThat(((Number) canvas.get("stddev")).doubleValue()).as("the camera's picture").isGreaterThan(5);
      assertThat(((Number) canvas.get("width")).intValue()).isEqualTo(640);
      assertThat(((Number) canvas.get("height")).intValue()).isEqualTo(480);
      browser.waitFor("stats saying the replies are VP8", WAIT, d -> text(browser, "output").contains("\"vp8\""));
      browser.screenshot(Path.of("target", "browser", "video-replies-page.png"));
    }
  }

  private static String text(HeadlessChromium browser, String id) {
    return (String) browser.script("return document.getElementById(arguments[0]).textContent", id);
  }
}
