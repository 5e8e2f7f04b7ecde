package io.frameloop.bench;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;

import io.frameloop.replay.FrameSource;
import io.frameloop.replay.ReplayReport;
import io.frameloop.replay.ReplayRunner;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.LinkEmulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Fixed quality 0.8 at 640x480 against {@code --adaptive} (target 150 ms) over emulated links: 1, 2,
 * 5 and 20 Mbit/s up (5x that down), each at 20 and 100 ms round trip. One replay session, 30 fps,
 * window 2 (the page's defaults), camera-like frames (CameraClips), pipeline {@code flip} (the reply
 * follows the frame's size). Server, link emulator and client share this JVM.
 *   bench/run io.frameloop.bench.LinkBenchmark [fixed seconds] [adaptive seconds]
 * Prints a Markdown table; writes target/bench/links.md and links.json.
 */
public final class LinkBenchmark {

  static final double[] UP_MBPS = {1, 2, 5, 20};
  static final int[] ROUND_TRIP_MS = {20, 100};
  static final JsonObject FLIP = pipeline(op("flip"));

  public static void main(String[] args) throws Exception {
    int fixedSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int adaptiveSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    FrameSource frames = FrameSource.open(CameraClips.jpegs(Path.of("target", "bench", "coffee-pan-q80"), 80).toString());
    Vertx vertx = Vertx.vertx();
    FrameLoopOptions options = new FrameLoopOptions();
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    FrameLoopVerticle server = new FrameLoopVerticle(options, null);
    vertx.deployVerticle(server).await();
    StringBuilder table = new StringBuilder("| up / down Mbit/s | round trip | mode | frames/s | round trip p50 / p95 ms "
      + "| bytes/frame up | quality, width, fps (most frames) |\n|---|---|---|---|---|---|---|\n");
    JsonArray all = new JsonArray();
    System.out.print(table);
    try {
      for (double up : UP_MBPS) {
        for (int rtt : ROUND_TRIP_MS) {
          LinkEmulator link = LinkEmulator.start(vertx, server.actualPort(), up, 5 * up, Duration.ofMillis(rtt / 2)).await();
          try {
            for (boolean adaptive : List.of(false, true)) {
              int seconds = adaptive ? adaptiveSeconds : fixedSeconds;
              Duration warmup = Duration.ofSeconds(adaptive ? seconds / 2 : 3);
              ReplayRunner runner = new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + link.port() + "/frames"), frames,
                1, 30, 2, Duration.ofSeconds(seconds), FLIP, line -> { }).warmup(warmup);
              if (adaptive) {
                runner.adaptive(150);
              }
              ReplayReport report = runner.run().await();
              JsonObject result = report.toJson().put("adaptive", runner.adaptiveSummary())
                .put("link", new JsonObject().put("upMbps", up).put("downMbps", 5 * up).put("roundTripMs", rtt));
              all.add(result);
              String row = row(up, rtt, adaptive, seconds - warmup.toSeconds(), result);
              table.append(row);
              System.out.print(row);
            }
          } finally {
            link.close().await();
          }
        }
      }
    } finally {
      vertx.close().await();
    }
    Files.createDirectories(Path.of("target", "bench"));
    Files.writeString(Path.of("target", "bench", "links.md"), table);
    Files.writeString(Path.of("target", "bench", "links.json"), all.encodePrettily());
  }

  /** Frames/s and round trips count the replies after the warm-up (the adaptive run's settling). */
  private static String row(double up, int rtt, boolean adaptive, long measuredSeconds, JsonObject result) {
    JsonObject latency = result.getJsonObject("latencyMs");
    String chosen = adaptive ? result.getJsonArray("adaptive").getJsonObject(0).getString("mostSent") : "q0.80 640w 30fps";
    return String.format(Locale.ROOT, "| %.0f / %.0f | %d ms | %s | %.1f | %.0f / %.0f | %,d | %s |%n", up, 5 * up, rtt,
      adaptive ? "adaptive" : "fixed", latency.getLong("count") / (double) measuredSeconds, latency.getDouble("p50"),
      latency.getDouble("p95"), result.getLong("bytesPerFrameUp"), chosen);
  }
}
