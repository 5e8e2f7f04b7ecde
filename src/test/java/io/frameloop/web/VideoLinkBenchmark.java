package io.frameloop.web;

import io.frameloop.testing.Await;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.LinkEmulator;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 24's targets, measured: the page in real Chromium, fed the camera-sized clip, through the
 * link emulator at UP Mbit/s up / DOWN down / DELAY ms each way: JPEG both ways ("Send as: JPEG",
 * "Replies as: JPEG"), then the default page settings (VP8 both ways where the browser and server can);
 * each run SECONDS long, measured in its last 10 s. Writes target/bench/video-link[-flip][-loopback].md.
 * "flip" as the fifth argument unticks the default pipeline's resize (the reply then follows the frame's size);
 * "loopback" as the sixth connects the page to the server directly (up, down and delay then unused).
 *   bench/run io.frameloop.web.VideoLinkBenchmark [seconds=40] [up=2] [down=10] [delayMs=25] [default|flip] [link|loopback]
 */
public final class VideoLinkBenchmark {

  private static final Duration WAIT = Duration.ofSeconds(40);

  private static final String KEEP = """
    window.replies = []; window.sent = []; window.lastStats = null; window.benchClient = client;
    client.addEventListener('frame', ({ detail: f }) => window.replies.push({at: f.receivedAt, rtt: f.roundTripMs, down: f.bytesDown}));
    client.addEventListener('videoChunk', ({ detail: f }) => window.replies.push({at: f.receivedAt, rtt: f.roundTripMs, down: f.bytesDown}));
    client.addEventListener('sent', ({ detail: s }) => window.sent.push({at: performance.now(), bytes: s.bytesUp}));
    client.addEventListener('stats', ({ detail }) => { window.lastStats = detail; });
    """;

  private static final String SINCE = """
    const since = arguments[0];
    const cameraFps = (window.benchClient.camera.framesRead - arguments[1]) / ((performance.now() - since) / 1000);
    const r = window.replies.filter((x) => x.at >= since);
    const s = window.sent.filter((x) => x.at >= since);
    const rtts = r.map((x) => x.rtt).sort((a, b) => a - b);
    const rank = (p) => rtts[Math.max(0, Math.ceil(p * rtts.length) - 1)];
    return {cameraFps, fps: r.length / ((performance.now() - since) / 1000), p50: rank(0.5), p95: rank(0.95),
            up: s.reduce((sum, x) => sum + x.bytes, 0) / Math.max(1, s.length),
            down: r.reduce((sum, x) => sum + x.down, 0) / Math.max(1, r.length),
            input: window.lastStats && window.lastStats.input ? JSON.stringify(window.lastStats.input) : 'none',
            output: window.lastStats && window.lastStats.output ? JSON.stringify(window.lastStats.output) : 'none',
            state: document.getElementById('adaptive-state').textContent, format: document.getElementById('format').textContent,
            replies: document.getElementById('reply-format').textContent};
    """;

  private VideoLinkBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    double up = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    double down = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    int delayMs = args.length > 3 ? Integer.parseInt(args[3]) : 25;
    boolean flipOnly = args.length > 4 && args[4].equals("flip");
    boolean loopback = args.length > 5 && args[5].equals("loopback");
    Vertx vertx = Vertx.vertx();
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
      "%s, %s pipeline, %d s runs, last 10 s:%n%n"
        + "| sent as | replies as | camera frames/s | frames/s back | round trip p50 / p95 ms | bytes up per frame | bytes down per frame "
        + "| stats.input | stats.output | the page's adaptation line | load (1 min) before |%n"
        + "|---|---|---|---|---|---|---|---|---|---|---|%n",
      loopback ? "loopback" : String.format(Locale.ROOT, "%.1f Mbit/s up / %.0f down / %d ms each way", up, down, delayMs),
      flipOnly ? "flip" : "the default", seconds));
    try {
      int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(500))).actualPort();
      LinkEmulator link = loopback ? null : Await.await(LinkEmulator.start(vertx, port, up, down, Duration.ofMillis(delayMs)));
      int pagePort = loopback ? port : link.port();
      for (String mode : List.of("jpeg", "auto")) {
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        try (HeadlessChromium browser = new HeadlessChromium(false, null, true,
          List.of("--use-file-for-fake-video-capture=" + CameraClips.y4m()))) {
          browser.driver().get("http://127.0.0.1:" + pagePort + "/");
          browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
          if (mode.equals("jpeg")) {
            browser.sendJpeg();
          } else {
            browser.waitFor("video", WAIT, d -> browser.text("format").startsWith("VP8"));
            browser.waitFor("VP8 replies", WAIT, d -> browser.text("reply-format").startsWith("VP8"));
          }
          if (flipOnly) {
            browser.waitFor("pipeline controls", WAIT, d -> (Boolean) browser.script("return document.getElementById('op-resize') !== null"));
            browser.click("op-resize");
          }
          browser.client(KEEP);
          browser.click("start");
          Thread.sleep((seconds - 10) * 1000L);
          @SuppressWarnings("unchecked")
          List<Object> since = (List<Object>) browser.script("return [performance.now(), window.benchClient.camera.framesRead]");
          Thread.sleep(10_000);
          @SuppressWarnings("unchecked")
          JsonObject r = new JsonObject((Map<String, Object>) browser.script(SINCE, since.get(0), since.get(1)));
          String row = String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.0f / %.0f | %,.0f | %,.0f | %s | %s | %s | %s |%n", r.getString("format"),
            r.getString("replies"), r.getDouble("cameraFps"), r.getDouble("fps"), r.getDouble("p50"), r.getDouble("p95"), r.getDouble("up"), r.getDouble("down"),
            r.getString("input"), r.getString("output"), r.getString("state"), load);
          System.out.print(row);
          table.append(row);
        }
      }
      if (link != null) {
        Await.await(link.close());
      }
    } finally {
      Await.await(vertx.close());
    }
    Path out = Path.of("target", "bench", "video-link" + (flipOnly ? "-flip" : "") + (loopback ? "-loopback" : "") + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.println(table);
  }
}
