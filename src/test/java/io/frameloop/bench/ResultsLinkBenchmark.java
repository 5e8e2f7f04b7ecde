package io.frameloop.bench;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;

import io.frameloop.replay.FrameSource;
import io.frameloop.replay.ReplayReport;
import io.frameloop.replay.ReplayRunner;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.Images;
import io.frameloop.testing.LinkEmulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Issue 25's link target: frames/s over the 2 Mbit/s up / 10 Mbit/s down / 25 ms link (round trip by default) in
 * {@code image} against {@code results} mode, the default pipeline plus {@code faces} (resize 700,
 * flip, faces), the astronaut photo (one face) as the camera, adaptive as the page is (target 150 ms,
 * 30 fps, window 2). The modes are interleaved round after round on the same link; server, link
 * emulator and replay client share this JVM.
 *   bench/run io.frameloop.bench.ResultsLinkBenchmark [seconds per run] [rounds] [round trip ms]
 * Prints a Markdown table; writes target/bench/results-link.md and results-link.json.
 */
public final class ResultsLinkBenchmark {

  static final double UP_MBPS = 2;
  static final double DOWN_MBPS = 10;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int roundTripMs = args.length > 2 ? Integer.parseInt(args[2]) : 25;
    Path dir = Files.createDirectories(Path.of("target", "bench", "astronaut-still"));
    Files.copy(Images.FIXTURES.resolve("astronaut-640x480.jpg"), dir.resolve("astronaut-640x480.jpg"),
      StandardCopyOption.REPLACE_EXISTING);
    FrameSource frames = FrameSource.open(dir.toString());
    Vertx vertx = Vertx.vertx();
    FrameLoopOptions options = new FrameLoopOptions();
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    FrameLoopVerticle server = new FrameLoopVerticle(options, null);
    vertx.deployVerticle(server).await();
    System.out.printf(Locale.ROOT, "%.0f Mbit/s up, %.0f down, %d ms round trip%n", UP_MBPS, DOWN_MBPS, roundTripMs);
    StringBuilder table = new StringBuilder("| reply | round | frames/s | round trip p50 / p95 ms | bytes/frame up "
      + "| bytes/frame down | results/s | quality, width, fps (most frames) | limited by (at the end) | changes |\n"
      + "|---|---|---|---|---|---|---|---|---|---|\n");
    JsonArray all = new JsonArray();
    System.out.print(table);
    LinkEmulator link = LinkEmulator.start(vertx, server.actualPort(), UP_MBPS, DOWN_MBPS, Duration.ofMillis(roundTripMs).dividedBy(2)).await();
    try {
      for (int round = 1; round <= rounds; round++) {
        for (String mode : List.of("image", "results")) {
          JsonObject pipeline = pipeline(op("resize").put("width", 700), op("flip"), op("faces")).put("reply", mode);
          Duration warmup = Duration.ofSeconds(seconds / 2);
          ReplayRunner runner = new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + link.port() + "/frames"), frames,
            1, 30, 2, Duration.ofSeconds(seconds), pipeline, line -> { }).warmup(warmup).adaptive(150);
          ReplayReport report = runner.run().await();
          JsonObject result = report.toJson().put("reply", mode).put("round", round)
            .put("adaptive", runner.adaptiveSummary());
          all.add(result);
          String row = row(mode, round, seconds - warmup.toSeconds(), result);
          table.append(row);
          System.out.print(row);
        }
      }
    } finally {
      link.close().await();
      vertx.close().await();
    }
    Files.writeString(Path.of("target", "bench", "results-link.md"), table);
    Files.writeString(Path.of("target", "bench", "results-link.json"), all.encodePrettily());
  }

  /** Frames/s and round trips count the answers after the warm-up (the controller's settling). */
  private static String row(String mode, int round, long measuredSeconds, JsonObject result) {
    JsonObject latency = result.getJsonObject("latencyMs");
    JsonObject adaptive = result.getJsonArray("adaptive").getJsonObject(0);
    return String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f / %.0f | %,d | %,d | %.1f | %s | %s | %d |%n", mode, round,
      latency.getLong("count") / (double) measuredSeconds, latency.getDouble("p50"), latency.getDouble("p95"),
      result.getLong("bytesPerFrameUp"), result.getLong("bytesPerFrameDown"),
      result.getJsonObject("results").getDouble("perSecond"), adaptive.getString("mostSent"),
      adaptive.getString("limiter"), adaptive.getInteger("changes"));
  }

  private ResultsLinkBenchmark() {
  }
}
