package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.Await;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The page in a real headless Chromium with its fake camera, over HTTP and HTTPS. */
@ExtendWith(VertxExtension.class)
class WebcamPageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Mean colour and spread of the processed canvas: {r, g, b, chroma, stddev, width, height}. */
  private static final String CANVAS_SUMMARY = """
    const c = document.getElementById('processed');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let r = 0, g = 0, b = 0, chroma = 0, sum = 0, sumSq = 0, n = 0;
    for (let i = 0; i < d.length; i += 16) {
      r += d[i]; g += d[i + 1]; b += d[i + 2];
      chroma += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
      const y = (d[i] + d[i + 1] + d[i + 2]) / 3; sum += y; sumSq += y * y; n++;
    }
    const mean = sum / n;
    return {r: r / n, g: g / n, b: b / n, chroma: chroma / n, stddev: Math.sqrt(sumSq / n - mean * mean),
            width: c.width, height: c.height};
    """;

  @Test
  void pageStreamsTheFakeCameraAndFollowsPipelineChanges(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(1000))).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("pipeline controls built from hello", WAIT, d -> (Boolean) browser.script(
        "return document.querySelectorAll('#ops .op').length >= 6"));

      browser.click("start");
      browser.waitFor("20 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 20);
      assertThat(browser.text("latency-p50")).matches("\\d+\\.\\d");
      assertThat(browser.text("latency-last")).matches("\\d+\\.\\d");

      Map<String, Object> colour = canvas(browser);
      assertThat(number(colour, "width")).as("default pipeline resizes to 700").isEqualTo(700);
      assertThat(number(colour, "stddev")).as("processed canvas is not blank").isGreaterThan(5);
      assertThat(number(colour, "chroma")).as("the fake camera's picture is in colour").isGreaterThan(20);

      // Switch the pipeline from the page: grey, and no resize.
      browser.click("op-gray");
      browser.click("op-resize");
      Map<String, Object> grey = browser.waitFor("grey frames at the camera's width", WAIT, d -> {
        Map<String, Object> summary = canvas(browser);
        return number(summary, "chroma") < 3 && number(summary, "width") == 640 ? summary : null;
      });
      assertThat(number(grey, "stddev")).as("grey canvas still shows the picture").isGreaterThan(5);

      // The face ops' controls: the model left to the server ("(default)"), keypoints a checkbox.
      assertThat(browser.script("return document.querySelector('[data-op=faces] [data-param=model]').value")).isEqualTo("");
      browser.script("document.querySelector('[data-op=faces] [data-param=keypoints]').click();");
      browser.click("op-faces");
      browser.waitFor("faces with keypoints taken by the server", WAIT, d -> (Boolean) browser.client(
        "const p = client.pipeline; return !!p && p.ops.some(op => op.op === 'faces' && op.keypoints === true);"));

      int before = Integer.parseInt(browser.text("recv-count"));
      browser.waitFor("frames keep coming", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > before + 10);
      browser.waitFor("server stats shown", WAIT, d -> !browser.text("server-process").equals("–"));
      browser.screenshot(Path.of("target", "browser", "webcam-page.png"));
    }
  }

  @Test
  void pageWorksOverHttpsWithTheSelfSignedCertificate(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options().setTlsSelfSigned(true)).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(true)) {
      browser.driver().get("https://localhost:" + port + "/");
      assertThat((Boolean) browser.script("return window.isSecureContext")).isTrue();
      browser.waitFor("the page connects over wss", WAIT, d -> browser.text("connection").equals("connected"));
      assertThat(browser.framesUrl()).startsWith("wss://localhost:" + port);
      browser.click("start");
      browser.waitFor("10 processed frames over TLS", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 10);
      browser.screenshot(Path.of("target", "browser", "webcam-page-https.png"));
    }
  }

  @Test
  void pageReportsAServerErrorAndRecoversAfterReconnecting(Vertx vertx) {
    var verticle = TestServers.start(vertx, TestServers.options());
    int port = verticle.actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      // A bad pipeline typed into the page is reported, not ignored.
      browser.script("document.querySelector('[data-op=blur] [data-param=kernel]').value = 4;"
        + "document.getElementById('op-blur').click();");
      browser.waitFor("the server's error is shown", WAIT, d -> browser.text("message").contains("kernel"));
      assertThat(browser.text("message")).contains("bad_pipeline");

      // Stop the server: the page says so and, once a server is back on the port, reconnects by itself.
      Await.await(vertx.undeploy(verticle.deploymentID()));
      browser.waitFor("the loss is shown", WAIT, d -> browser.text("message").contains("Connection lost (server shutting down)"));
      assertThat(browser.text("connection")).isEqualTo("disconnected");
      TestServers.start(vertx, TestServers.options(o -> o.getHttpServerOptions().setPort(port)));
      browser.waitFor("reconnected", WAIT, d -> browser.text("connection").equals("connected"));
      browser.click("start");
      browser.waitFor("frames from the new server", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 5);
    }
  }

  @Test
  void pageOnAnInsecureOriginExplainsWhyTheCameraIsUnavailable(Vertx vertx) {
    // A name of the machine's own, which the Host check serves once it is listed (as a LAN name would be).
    int port = TestServers.start(vertx, TestServers.options(o -> o.getRouteOptions().setAllowedHosts(List.of("frameloop.test"))))
      .actualPort();
    // Plain http on a name other than localhost: not a secure context, so no getUserMedia.
    try (HeadlessChromium browser = new HeadlessChromium(false, "frameloop.test", true)) {
      browser.driver().get("http://frameloop.test:" + port + "/");
      assertThat((Boolean) browser.script("return window.isSecureContext")).isFalse();
      browser.waitFor("the page connects (same origin)", WAIT, d -> browser.text("connection").equals("connected"));
      assertThat(browser.text("message")).contains("not a secure origin").contains("https://");
      browser.click("start");
      browser.waitFor("the camera message", WAIT, d -> browser.text("message").contains("needs a secure page"));
      assertThat(browser.text("start")).isEqualTo("Start camera");
    }
  }

  @Test
  void deniedCameraPermissionIsExplained(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false, null, false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.click("start");
      browser.waitFor("the permission message", WAIT, d -> browser.text("message").contains("permission was denied"));
      assertThat(browser.text("start")).isEqualTo("Start camera");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> canvas(HeadlessChromium browser) {
    return (Map<String, Object>) browser.script(CANVAS_SUMMARY);
  }

  private static double number(Map<String, Object> summary, String key) {
    return ((Number) summary.get(key)).doubleValue();
  }
}
