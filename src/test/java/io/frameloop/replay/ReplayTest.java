package io.frameloop.replay;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static io.frameloop.testing.ReplayCli.replay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.cli.Main;
import io.frameloop.cli.ReplayCommand;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;
import picocli.CommandLine;

/** The replay client against a real server on loopback, for a few seconds. */
@ExtendWith(VertxExtension.class)
class ReplayTest {

  @Test
  void closedLoopSummaryAddsUpAndItsJsonParses(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    Path json = dir.resolve("summary.json");
    String printed = replay("--url", "ws://127.0.0.1:" + port + "/frames",
      "--sessions", "3", "--fps", "10", "--duration", "3s", "--source", "synthetic:320x240", "--json", json.toString());
    assertThat(printed).contains("frames sent").contains("Jain's index").contains("out ");

    JsonObject summary = new JsonObject(Files.readString(json));
    long sent = summary.getLong("sent");
    long received = summary.getLong("received");
    assertThat(sent).isBetween(60L, 100L); // 3 sessions x 10 fps x 3 s, paced by replies
    assertThat(received).isPositive();
    long accounted = received + summary.getLong("droppedTotal") + summary.getLong("errors");
    assertThat(sent - accounted).as("unaccounted beyond the in-flight window").isBetween(0L, 3L);
    assertThat(summary.getLong("serverIn")).isEqualTo(sent);
    assertThat(summary.getJsonObject("latencyMs").getDouble("p50")).isPositive();
    // Per-frame timings from the server: round trip minus processing, for (nearly) every frame.
    JsonObject added = summary.getJsonObject("addedMs");
    assertThat(added.getLong("count")).isGreaterThan(received * 9 / 10);
    assertThat(added.getDouble("p50")).isPositive().isLessThan(summary.getJsonObject("latencyMs").getDouble("p50"));
    assertThat(summary.getJsonObject("fairness").getDouble("jainIndex")).isGreaterThan(0.9);
    // The server's time by stage, from its per-frame timings: the default pipeline's ops by name.
    JsonObject stages = summary.getJsonObject("stagesMs");
    assertThat(stages.fieldNames()).contains("queue", "decode", "op resize", "op flip", "encode");
    assertThat(stages.getJsonObject("decode").getLong("count")).isEqualTo(added.getLong("count"));
    assertThat(printed).contains("server stages").contains("op resize");
    assertThat(summary.getLong("bytesPerFrameUp")).isPositive();
  }

  @Test
  void directorySourceAndAPipelineFromTheCommandLine(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    FrameSource photos = FrameSource.open(Images.FIXTURES.toString());
    assertThat(photos.frames()).hasSize(3);
    Path json = dir.resolve("summary.json");
    // --pipeline as a shell passes it: one argument of JSON text.
    String printed = replay("--url", "ws://127.0.0.1:" + port + "/frames", "--sessions", "2", "--fps", "10",
      "--duration", "2s", "--source", Images.FIXTURES.toString(), "--json", json.toString(),
      "--pipeline", "{\"ops\":[{\"op\":\"resize\",\"width\":32}],\"quality\":20}");
    JsonObject summary = new JsonObject(Files.readString(json));
    assertThat(summary.getLong("received")).as(printed).isPositive();
    assertThat(summary.getLong("errors")).isZero();
    // 32x24 at quality 20 is a few hundred bytes; the server's default pipeline (700 wide, quality
    // 80) would send back tens of kilobytes of these photos.
    assertThat(summary.getLong("bytesPerFrameDown")).as("bytes per reply").isLessThan(1500L);
    assertThat(summary.getLong("bytesPerFrameUp")).isGreaterThan(20_000L);
  }

  @Test
  void aPipelineTheServerRefusesStopsTheRun(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("replay", "--url", "ws://127.0.0.1:" + port + "/frames", "--duration", "2s",
        "--source", "synthetic:320x240", "--pipeline", "{\"ops\":[{\"op\":\"sharpen-ish\"}]}");
    } finally {
      System.setErr(stderr);
    }
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("refused --pipeline").contains("sharpen-ish");
    // A pipeline message over maxTextMessageBytes gets bad_message, not a pipeline answer: the run stops too.
    err.reset();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("replay", "--url", "ws://127.0.0.1:" + port + "/frames", "--duration", "2s",
        "--source", "synthetic:320x240", "--pipeline", "{\"ops\":[],\"pad\":\"" + "x".repeat(20_000) + "\"}");
    } finally {
      System.setErr(stderr);
    }
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("refused --pipeline");
  }

  @Test
  void openLoopAboveCapacityDropsStaleFramesInsteadOfBuildingLag(Vertx vertx) {
    // One worker, a heavy op, and more frames offered than it can process.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getWorkerOptions().setWorkerInstances(1);
      o.getSessionOptions().setMaxFps(0);
    })).actualPort();
    JsonObject heavy = pipeline(op("blur").put("kernel", 45));
    List<String> progress = new ArrayList<>();
    ReplayReport report = await(new ReplayRunner(vertx, URI.create("ws://127.0.0.1:" + port + "/frames"),
      FrameSource.synthetic(1280, 720, 10), 3, 60, 0, Duration.ofSeconds(4), heavy, progress::add).run());

    assertThat(progress).isNotEmpty();
    assertThat(report.serverDropped().getLong("stale")).as("latest frame wins").isPositive();
    assertThat(report.received()).isLessThan(report.sent() / 2);
    assertThat(report.sent() - report.received() - report.droppedTotal() - report.errors()).isBetween(0L, 3L);
    // Had the frames queued, the last ones would wait for seconds; with the drop policy the worst
    // case stays about two frames' processing time plus a sending interval.
    assertThat(report.latencyMs().getDouble("p99")).isLessThan(1000.0);
  }

  @Test
  void motionJpegAviIsReadWithoutFfmpeg(@TempDir Path dir) {
    Path avi = dir.resolve("clip.avi");
    FrameSource synthetic = FrameSource.synthetic(320, 240, 12);
    VideoWriter writer = new VideoWriter(avi.toString(), Videoio.CAP_OPENCV_MJPEG, VideoWriter.fourcc('M', 'J', 'P', 'G'), 15,
      new Size(320, 240), true);
    assertThat(writer.isOpened()).as("OpenCV's built-in MJPEG writer").isTrue();
    for (Buffer frame : synthetic.frames()) {
      Mat image = Images.decode(frame);
      writer.write(image);
      image.release();
    }
    writer.release();

    FrameSource video = FrameSource.open(avi.toString());
    assertThat(video.frames()).hasSize(12);
    Mat first = Images.decode(video.frames().get(0));
    assertThat(first.cols()).isEqualTo(320);
    assertThat(first.rows()).isEqualTo(240);
  }

  @Test
  void videoOpenCvCannotReadIsAClearError(@TempDir Path dir) throws Exception {
    Path notVideo = dir.resolve("clip.mp4");
    Files.write(notVideo, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2'});
    assertThatThrownBy(() -> FrameSource.open(notVideo.toString()))
      .hasMessageContaining("Motion-JPEG").hasMessageContaining("ffmpeg");
  }

  @Test
  void badArgumentsAreClearErrors() {
    assertThatThrownBy(() -> FrameSource.open("synthetic:big")).hasMessageContaining("synthetic:640x480");
    assertThatThrownBy(() -> FrameSource.open("/no/such/dir")).hasMessageContaining("no such directory");
    assertThatThrownBy(() -> ReplayCommand.parseDuration("soon")).hasMessageContaining("30s");
    assertThat(ReplayCommand.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ReplayCommand.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
  }
}
