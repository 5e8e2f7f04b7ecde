package io.frameloop.endtoend.results;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.BrightSpotOpFactory;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.ReportingOpFactory;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Rect;

/** The {@code reply} mode and the {@code results} message on a real server, with real frames. */
@ExtendWith(VertxExtension.class)
class ResultsMessagesTest {

  private static final Buffer ASTRONAUT = Images.fixture("astronaut-640x480.jpg");
  private static final Duration QUIET = Duration.ofMillis(400);

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    OpRegistry registry = OpRegistry.withDefaults().register(new ReportingOpFactory()).register(new BrightSpotOpFactory());
    port = TestServers.start(vertx, TestServers.options(), registry).actualPort();
  }

  @Test
  void replyIsEchoedNormalizedKeptWhenLeftOutAndRefusedWhenUnknown(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertThat(client.hello().getString("reply")).isEqualTo("image");
      JsonObject answer = client.usePipeline(pipeline(op("faces")).put("reply", "results"));
      assertThat(answer.getString("reply")).isEqualTo("results");
      assertThat(answer.fieldNames()).containsExactly("type", "ops", "quality", "reply", "replyFormat");
      // Like quality, a pipeline message without reply keeps the session's.
      assertThat(client.usePipeline(pipeline(op("gray"))).getString("reply")).isEqualTo("results");
      assertThat(client.usePipeline(pipeline(op("gray")).put("reply", "both")).getString("reply")).isEqualTo("both");

      JsonObject refused = client.setPipeline(pipeline(op("gray")).put("reply", "video"));
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("bad_pipeline");
      assertThat(refused.getString("message")).isEqualTo("parameter 'reply' must be one of [image, results, both], got \"video\"");
      assertThat(client.setPipeline(pipeline(op("gray")).put("reply", 1)).getString("code")).isEqualTo("bad_pipeline");
    }
  }

  @Test
  void resultsModeAnswersWithTheResultsAloneSkipsTheEncodeAndCountsTheFrameOut(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("faces")).put("reply", "results"));
      client.sendJson(new JsonObject().put("type", "timings").put("enabled", true));
      client.next("timings");
      client.sendFramed(17, 1733300000123L, ASTRONAUT);
      JsonObject results = client.next("results");
      assertThat(results.fieldNames()).containsExactly("type", "seq", "timestamp", "width", "height", "detections");
      assertThat(results.getLong("seq")).isEqualTo(17);
      assertThat(results.getLong("timestamp")).isEqualTo(1733300000123L);
      assertThat(results.getInteger("width")).isEqualTo(640);
      assertThat(results.getInteger("height")).isEqualTo(480);
      JsonArray detections = results.getJsonArray("detections");
      assertThat(detections).hasSize(1);
      JsonObject face = detections.getJsonObject(0);
      assertThat(face.fieldNames()).containsExactly("op", "label", "score", "box");
      assertThat(face.getString("op")).isEqualTo("faces");
      assertThat(face.getString("label")).isEqualTo("face");
      assertThat(face.getDouble("score")).isBetween(0.75, 1.0);
      assertThat(face.getDouble("score") * 100).isEqualTo(Math.rint(face.getDouble("score") * 100));
      JsonArray box = face.getJsonArray("box");
      assertThat(iou(new Rect(box.getInteger(0), box.getInteger(1), box.getInteger(2), box.getInteger(3)), Images.ASTRONAUT_FACE))
        .as("box " + box).isGreaterThan(0.7);

      assertThat(client.pollBinary(QUIET)).as("no image in results mode").isNull();
      JsonObject stats = client.nextStats(s -> s.getLong("out") == 1 && s.containsKey("timings") && !s.getJsonArray("timings").isEmpty());
      assertThat(stats.getLong("in")).isEqualTo(1);
      assertThat(stats.getLong("errors")).isZero();
      assertThat(stats.getLong("droppedTotal")).isZero();
      assertThat(stats.getLong("bytesOut")).isEqualTo(results.encode().length());
      JsonArray timing = stats.getJsonArray("timings").getJsonArray(0);
      assertThat(timing.getLong(0)).isEqualTo(17);
      assertThat(timing.getLong(4)).as("encode micros: nothing encoded").isZero();
    }
  }

  @Test
  void aLabelThatIsNotAsciiCountsItsUtf8BytesOut(Vertx vertx) {
    String label = ReportingOpFactory.LABELS.get(1);
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("report").put("detections", 5).put("label", label)).put("reply", "results"));
      client.sendFramed(1, 0, ASTRONAUT);
      JsonObject results = client.next("results");
      assertThat(results.getJsonArray("detections").getJsonObject(0).getString("label")).isEqualTo(label);
      int utf8 = results.encode().getBytes(StandardCharsets.UTF_8).length;
      assertThat(utf8).as("5 labels of 3 non-ASCII characters").isEqualTo(results.encode().length() + 5 * (1 + 2));
      assertThat(client.nextStats(s -> s.getLong("out") == 1).getLong("bytesOut")).as("the bytes on the wire").isEqualTo(utf8);
    }
  }

  @Test
  void bothModeSendsTheResultsImmediatelyBeforeTheImageOfTheSameFrame(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("faces")).put("reply", "both"));
      client.arrivals();
      for (long seq = 1; seq <= 3; seq++) {
        client.sendFramed(seq, 100 + seq, ASTRONAUT);
        JsonObject results = client.next("results");
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(seq);
        assertThat(results.getLong("seq")).isEqualTo(seq);
        assertThat(results.getJsonArray("detections")).hasSize(1);
      }
      assertThat(client.arrivals()).containsExactly("results", "binary", "results", "binary", "results", "binary");
      JsonObject stats = client.nextStats(s -> s.getLong("out") == 3);
      assertThat(stats.getLong("droppedTotal")).isZero();
    }
  }

  @Test
  void aBareFramesResultsHaveNoSeqAndNoTimestamp(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("faces")).put("reply", "both"));
      client.arrivals();
      client.sendBinary(ASTRONAUT);
      JsonObject results = client.next("results");
      assertThat(results.fieldNames()).containsExactly("type", "width", "height", "detections");
      assertThat(FrameFormat.decode(client.nextBinary()).header()).isNull();
      assertThat(client.arrivals()).containsExactly("results", "binary");
    }
  }

  @Test
  void imageModeSendsNoResultsAndAPipelineWithoutReportingOpsGivesAnEmptyList(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("faces")));
      client.sendFramed(1, 0, ASTRONAUT);
      client.nextBinary();
      assertThat(client.pollJson("results", QUIET)).isNull();

      client.usePipeline(pipeline(op("resize").put("width", 320), op("flip")).put("reply", "results"));
      client.sendFramed(2, 0, ASTRONAUT);
      JsonObject results = client.next("results");
      assertThat(results.getInteger("width")).isEqualTo(640);
      assertThat(results.getJsonArray("detections")).isEmpty();
      assertThat(results.containsKey("data")).isFalse();
    }
  }

  @Test
  void aPlugInsOwnResultsReachTheClientInTheSentFramesPixels(Vertx vertx) {
    Buffer spot = Images.jpeg(Images.canvas(640, 480, Images.BLACK, new Rect(500, 100, 20, 20), Images.WHITE));
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      // Found in a 320-wide image: reported in the sent 640x480 frame's pixels all the same.
      client.usePipeline(pipeline(op("resize").put("width", 320), op("brightspot")).put("reply", "results"));
      client.sendFramed(1, 0, spot);
      JsonObject results = client.next("results");
      JsonObject detection = results.getJsonArray("detections").getJsonObject(0);
      assertThat(detection.getString("op")).isEqualTo("brightspot");
      assertThat(detection.getString("label")).isEqualTo("spot");
      JsonArray box = detection.getJsonArray("box");
      // The spot's centre is the brightest pixel's corner, within the square.
      int centreX = box.getInteger(0) + box.getInteger(2) / 2;
      int centreY = box.getInteger(1) + box.getInteger(3) / 2;
      assertThat(centreX).isBetween(496, 522);
      assertThat(centreY).isBetween(96, 122);
      assertThat(box.getInteger(2)).isEqualTo(32);
      long mean = results.getJsonObject("data").getJsonObject("brightspot").getLong("meanBrightness");
      assertThat(mean).isBetween(0L, 3L);
    }
  }

  @Test
  void anOpReportingTooMuchFailsThatFrameAndTheSessionLivesOnWithNothingLogged(Vertx vertx) {
    try (CapturedLog log = CapturedLog.from(Level.ALL); FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("report").put("detections", 101)).put("reply", "both"));
      client.sendFramed(1, 0, ASTRONAUT);
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getLong("seq")).isEqualTo(1);
      assertThat(error.getString("message")).isEqualTo("ops[0] (report) reported more than 100 detections in one frame, the limit");

      client.usePipeline(pipeline(op("report").put("padBytes", 9000)).put("reply", "results"));
      client.sendFramed(2, 0, ASTRONAUT);
      assertThat(client.next("error").getString("message"))
        .isEqualTo("ops[0] (report) reported an object of 9027 bytes as JSON, over the limit of 8192");

      client.usePipeline(pipeline(op("report").put("detections", 100).put("padBytes", 8000)).put("reply", "both"));
      client.sendFramed(3, 0, ASTRONAUT);
      JsonObject results = client.next("results");
      assertThat(results.getJsonArray("detections")).hasSize(100);
      assertThat(results.getJsonArray("detections").getJsonObject(0).getJsonArray("box")).containsExactly(160, 120, 320, 240);
      assertThat(results.getJsonObject("data").getJsonObject("report").getJsonArray("seen")).containsExactly(640, 480);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(3);
      assertThat(client.nextStats(s -> s.getLong("out") == 1).getLong("errors")).isEqualTo(2);
      List<String> logged = log.messages(Level.ALL);
      assertThat(logged).noneMatch(line -> line.contains("xxxxxxxx") || line.contains("\"seen\"") || line.contains("centre"));
    }
  }

  static double iou(Rect a, Rect b) {
    int w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    int h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    double intersection = (double) w * h;
    return intersection / (a.area() + b.area() - intersection);
  }
}
