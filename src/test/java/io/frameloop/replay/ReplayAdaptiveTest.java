package io.frameloop.replay;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.cli.Main;
import io.frameloop.testing.CameraClips;
import io.frameloop.testing.LinkEmulator;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replay --adaptive} from the command line, through the link emulator at 2 Mbit/s up,
 * 10 Mbit/s down and 25 ms each way, against the same replay at a fixed quality 0.8 on the same link.
 */
@ExtendWith(VertxExtension.class)
class ReplayAdaptiveTest {

  static final Path FRAMES = Path.of("target", "clips", "coffee-pan-q80");
  /**
   * The default pipeline upscales every frame to 700 wide: a reply of ~40 KB (32 ms of the 10 Mbit/s
   * downlink) whatever the client sends. Flip only: the reply follows the frame's size.
   */
  static final String FLIP = "{\"ops\":[{\"op\":\"flip\"}]}";

  @Test
  void adaptiveReplayMeetsTheTargetWhereFixedQualityCannot(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setStatsIntervalMs(500))).actualPort();
    LinkEmulator link = await(LinkEmulator.start(vertx, port, 2, 10, Duration.ofMillis(25)));
    Path frames = CameraClips.jpegs(FRAMES, 80);
    try {
      JsonObject fixed = replay(dir.resolve("fixed.json"), link.port(), "--duration", "8s", "--warmup", "3s");
      String[] adaptiveArgs = {"--duration", "20s", "--warmup", "10s", "--adaptive", "--target-ms", "150"};
      JsonObject adaptive = replay(dir.resolve("adaptive.json"), link.port(), adaptiveArgs);

      JsonObject chosen = adaptive.getJsonArray("adaptive").getJsonObject(0);
      double fixedP50 = fixed.getJsonObject("latencyMs").getDouble("p50");
      double adaptiveP50 = adaptive.getJsonObject("latencyMs").getDouble("p50");
      assertThat(adaptive.getJsonObject("latencyMs").getDouble("p95")).as("adaptive p95 after settling; " + chosen)
        .isLessThanOrEqualTo(150);
      assertThat(adaptive.getDouble("throughputFps")).as("frames/s back").isGreaterThanOrEqualTo(10);
      assertThat(adaptive.getLong("bytesPerFrameUp")).isLessThan(fixed.getLong("bytesPerFrameUp"));
      // The same link at quality 0.8: ~47 KB frames take ~190 ms to upload alone.
      assertThat(fixedP50).as("fixed quality round trip vs adaptive").isGreaterThan(1.5 * adaptiveP50);
      assertThat(fixed.getJsonObject("latencyMs").getDouble("p95")).isGreaterThan(150);
      assertThat(chosen.getDouble("quality")).isLessThan(0.8);
      assertThat(chosen.getString("limiter")).isEqualTo("uplink");
      assertThat(adaptive.getLong("errors")).isZero();
    } finally {
      await(link.close());
    }
    try (Stream<Path> files = Files.list(frames)) {
      assertThat(files.count()).isEqualTo(60);
    }
  }

  @Test
  void adaptiveReplayOnAnUnconstrainedLinkStaysAtTheTop(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    CameraClips.jpegs(FRAMES, 80);
    JsonObject adaptive = replay(dir.resolve("adaptive.json"), port, "--duration", "5s", "--adaptive");
    JsonObject chosen = adaptive.getJsonArray("adaptive").getJsonObject(0);
    assertThat(chosen.getInteger("changes")).as(chosen.encode()).isZero();
    assertThat(chosen.getString("mostSent")).isEqualTo("q0.80 640w 30fps");
    assertThat(chosen.getString("limiter")).isEqualTo("none");
    // The controller's window (which the page follows; replay keeps --window) on loopback: a round trip
    // carries 30 fps in one or two frames, plus one to probe.
    assertThat(chosen.getInteger("controllerWindow")).as(chosen.encode()).isBetween(2, 8);
  }

  private static JsonObject replay(Path json, int port, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("replay", "--url", "ws://127.0.0.1:" + port + "/frames",
      "--fps", "30", "--window", "2", "--source", FRAMES.toString(), "--json", json.toString(), "--pipeline", FLIP));
    command.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    long start = System.nanoTime();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute(command.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    System.err.printf("%s (%.1f s)%n", printed, (System.nanoTime() - start) / 1e9); // the summary, in the test's report
    assertThat(exit).as(printed).isZero();
    if (command.contains("--adaptive")) {
      assertThat(printed).contains("adaptive ").contains("most frames at");
    }
    return new JsonObject(Files.readString(json));
  }
}
