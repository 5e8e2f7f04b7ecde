package io.frameloop.bench;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;

import io.frameloop.testing.FrameClient;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Server CPU and bytes down per frame in each reply mode (issue 25), for the default pipeline plus
 * {@code faces} (resize 700, flip, faces), on the astronaut photo (one face). The server runs in a
 * JVM of its own (its CPU from {@code /proc}); one closed-loop session per mode and round, the modes
 * interleaved round after round; the workers' own time (decode, ops, encode) and its encode stage from the
 * server's {@code /metrics}. Prints a Markdown table:
 * {@code bench/run io.frameloop.bench.ResultsModeBenchmark [frames per run] [rounds]}.
 */
public final class ResultsModeBenchmark {

  private static final int WARM_UP = 40;
  private static final String PROCESSING = "frameloop_processing_seconds_sum";
  private static final String ENCODE = "frameloop_stage_seconds_sum{op=\"\",stage=\"encode\"}";

  /** A series' growth between two scrapes, in milliseconds per frame. */
  private static double perFrameMs(Metrics before, Metrics after, String series, int frames) {
    return (after.valueOr(series, 0) - before.valueOr(series, 0)) * 1000 / frames;
  }

  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Buffer jpeg = Images.fixture("astronaut-640x480.jpg");
    Vertx vertx = Vertx.vertx();
    try (ForkedServer server = ForkedServer.start("results-bench", "512m", Map.of("FRAMELOOP_MAX_FPS", "0"))) {
      System.out.printf(Locale.ROOT, "astronaut photo, %,d bytes; pipeline resize 700, flip, faces; %d frames per run after %d"
        + " to warm up%n%n", jpeg.length(), frames, WARM_UP);
      System.out.println("| reply | round | frames/s | server CPU per frame | worker time per frame | of which encode | bytes down per frame |");
      System.out.println("|---|---|---|---|---|---|---|");
      List<String> modes = List.of("image", "results", "both");
      for (int round = 1; round <= rounds; round++) {
        for (String mode : modes) {
          run(vertx, server, jpeg, mode, frames, round);
        }
      }
    } finally {
      vertx.close().await();
    }
  }

  private static void run(Vertx vertx, ForkedServer server, Buffer jpeg, String mode, int frames, int round) throws Exception {
    try (FrameClient client = FrameClient.connect(vertx, server.port())) {
      client.usePipeline(pipeline(op("resize").put("width", 700), op("flip"), op("faces")).put("quality", 80).put("reply", mode));
      for (int i = 0; i < WARM_UP; i++) {
        answer(client, mode, i, jpeg);
      }
      JsonObject warm = client.nextStats(s -> s.getLong("out") == WARM_UP);
      Metrics before = Metrics.scrape(server.port());
      long cpuBefore = server.cpuNanos();
      long start = System.nanoTime();
      for (int i = WARM_UP; i < WARM_UP + frames; i++) {
        answer(client, mode, i, jpeg);
      }
      long wall = System.nanoTime() - start;
      long cpu = server.cpuNanos() - cpuBefore;
      JsonObject done = client.nextStats(s -> s.getLong("out") == WARM_UP + frames);
      Metrics after = Metrics.scrape(server.port());
      double bytesDown = (double) (done.getLong("bytesOut") - warm.getLong("bytesOut")) / frames;
      System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f ms | %.2f ms | %.2f ms | %,.0f |%n", mode, round, frames * 1e9 / wall,
        cpu / 1e6 / frames, perFrameMs(before, after, PROCESSING, frames), perFrameMs(before, after, ENCODE, frames), bytesDown);
    }
  }

  /** Sends one frame and waits for its whole answer: the image, or in results mode the results message. */
  private static void answer(FrameClient client, String mode, long seq, Buffer jpeg) {
    client.sendFramed(seq, 0, jpeg);
    if (mode.equals("results")) {
      client.next("results");
    } else {
      client.nextBinary();
      if (mode.equals("both")) {
        client.next("results");
      }
    }
  }

  private ResultsModeBenchmark() {
  }

}
