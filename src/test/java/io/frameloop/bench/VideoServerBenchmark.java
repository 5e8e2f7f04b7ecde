package io.frameloop.bench;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Server CPU per frame by stage (issue 24), video against JPEG both ways: VP8 or JPEG in, JPEG or VP8
 * replies, on the camera clip ({@link CameraClips}, 640x480: VP8 chunks from the server's own encoder at its
 * defaults, a key every 60 frames, or JPEG at quality 80), default pipeline (resize 700, flip, quality 80).
 * The server runs in a JVM of its own (its CPU from {@code /proc}); one closed-loop session per case and
 * round, the cases interleaved round after round; the stages from the server's {@code /metrics}. After each
 * run the session is closed and the server's open decoders and encoders, live Mats and RSS are printed, so
 * that the rounds show them flat over thousands of frames. Prints Markdown tables:
 * {@code bench/run io.frameloop.bench.VideoServerBenchmark [frames per run] [rounds]}.
 */
public final class VideoServerBenchmark {

  private static final int WARM_UP = 60;
  private static final String STAGE = "frameloop_stage_seconds_sum{op=\"%s\",stage=\"%s\"}";
  private static final String PROCESSING = "frameloop_processing_seconds_sum";

  /** One case: what the client sends and the reply format it asks for. */
  private record Case(String in, String out) {
  }

  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<EncodedChunk> chunks = VideoChunks.camera(60, VideoChunks.CANVAS);
    List<Buffer> jpegs = new ArrayList<>();
    try (Stream<Path> files = Files.list(CameraClips.jpegs(Path.of("target", "bench", "camera-q80"), 80)).sorted()) {
      for (Path file : (Iterable<Path>) files::iterator) {
        jpegs.add(Buffer.buffer(Files.readAllBytes(file)));
      }
    }
    double chunkBytes = chunks.stream().mapToInt(c -> c.data().length()).average().orElseThrow();
    double jpegBytes = jpegs.stream().mapToInt(Buffer::length).average().orElseThrow();
    List<Case> cases = List.of(new Case("vp8", "jpeg"), new Case("vp8", "vp8"), new Case("jpeg", "jpeg"), new Case("jpeg", "vp8"));
    List<String> memory = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try (ForkedServer server = ForkedServer.start("video-bench", "512m", Map.of("FRAMELOOP_MAX_FPS", "0"))) {
      System.out.printf(Locale.ROOT, "camera clip 640x480: VP8 chunks %,.0f bytes on average, JPEG q80 %,.0f bytes; default pipeline;"
        + " %d frames per run after %d to warm up%n%n", chunkBytes, jpegBytes, frames, WARM_UP);
      System.out.println("| in / out | round | frames/s | server CPU per frame | processing | decode | resize | flip | encode | queue |"
        + " bytes up / down per frame |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
      for (int round = 1; round <= rounds; round++) {
        for (Case c : cases) {
          run(vertx, server, c, chunks, jpegs, frames, round);
          memory.add(memoryRow(server, c, round));
        }
      }
      System.out.println();
      System.out.println("| after | decoders open | encoders open | live Mats | server RSS | heap used |");
      System.out.println("|---|---|---|---|---|---|");
      memory.forEach(System.out::println);
    } finally {
      vertx.close().await();
    }
  }

  private static void run(Vertx vertx, ForkedServer server, Case c, List<EncodedChunk> chunks, List<Buffer> jpegs, int frames,
      int round) throws Exception {
    try (FrameClient client = FrameClient.connect(vertx, server.port())) {
      client.usePipeline(FrameLoopOptions.DEFAULT_PIPELINE.copy().put("replyFormat", c.out()));
      if (c.in().equals("vp8")) {
        client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
        client.next("video");
      }
      for (int i = 0; i < WARM_UP; i++) {
        answer(client, c, i, chunks, jpegs);
      }
      JsonObject warm = client.nextStats(s -> s.getLong("out") == WARM_UP);
      Metrics before = Metrics.scrape(server.port());
      long cpuBefore = server.cpuNanos();
      long start = System.nanoTime();
      for (int i = WARM_UP; i < WARM_UP + frames; i++) {
        answer(client, c, i, chunks, jpegs);
      }
      long wall = System.nanoTime() - start;
      long cpu = server.cpuNanos() - cpuBefore;
      JsonObject done = client.nextStats(s -> s.getLong("out") == WARM_UP + frames);
      Metrics after = Metrics.scrape(server.port());
      if (done.getLong("in") != WARM_UP + frames) {
        throw new IllegalStateException("frames in " + done.getLong("in") + ", expected " + (WARM_UP + frames) + ": " + done);
      }
      double up = (double) (done.getLong("bytesIn") - warm.getLong("bytesIn")) / frames;
      double down = (double) (done.getLong("bytesOut") - warm.getLong("bytesOut")) / frames;
      System.out.printf(Locale.ROOT, "| %s / %s | %d | %.0f | **%.2f ms** | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %,.0f / %,.0f |%n",
        c.in(), c.out(), round, frames * 1e9 / wall, cpu / 1e6 / frames, ms(before, after, PROCESSING, frames),
        stage(before, after, "", "decode", frames), stage(before, after, "resize", "op", frames),
        stage(before, after, "flip", "op", frames), stage(before, after, "", "encode", frames),
        stage(before, after, "", "queue", frames), up, down);
    }
  }

  /** Sends frame {@code i} (VP8 chunk or JPEG, the clip looped) and waits for its reply. */
  private static void answer(FrameClient client, Case c, int i, List<EncodedChunk> chunks, List<Buffer> jpegs) {
    if (c.in().equals("vp8")) {
      client.sendBinary(VideoChunks.message(i, i, chunks.get(i % chunks.size())));
    } else {
      client.sendFramed(i, i, jpegs.get(i % jpegs.size()));
    }
    client.nextBinary();
  }

  private static String memoryRow(ForkedServer server, Case c, int round) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    Metrics metrics = Metrics.scrape(server.port());
    // The session's decoder and encoder close when the server sees the socket close: wait for that.
    while ((metrics.value("frameloop_video_decoders") > 0 || metrics.value("frameloop_video_encoders") > 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      metrics = Metrics.scrape(server.port());
    }
    return String.format(Locale.ROOT, "| round %d, %s / %s | %.0f | %.0f | %.0f | %.0f MiB | %.0f MiB |", round, c.in(), c.out(),
      metrics.value("frameloop_video_decoders"), metrics.value("frameloop_video_encoders"), metrics.value("frameloop_native_mats"),
      server.residentBytes() / 1048576.0, server.heapUsedBytes() / 1048576.0);
  }

  private static double stage(Metrics before, Metrics after, String op, String stage, int frames) {
    return ms(before, after, String.format(Locale.ROOT, STAGE, op, stage), frames);
  }

  /** A series' growth between two scrapes, in milliseconds per frame. */
  private static double ms(Metrics before, Metrics after, String series, int frames) {
    return (after.valueOr(series, 0) - before.valueOr(series, 0)) * 1000 / frames;
  }

  private VideoServerBenchmark() {
  }

}
