package io.frameloop.endtoend.frames;

import static io.frameloop.testing.Images.BLACK;
import static io.frameloop.testing.Images.BLUE;
import static io.frameloop.testing.Images.RED;
import static io.frameloop.testing.Images.WHITE;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.HelloOps;
import io.frameloop.testing.Images;
import io.frameloop.testing.InvertOpFactory;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;

/** Each op on an image made for it, bad pipelines, and plug-in ops. */
@ExtendWith(VertxExtension.class)
class PipelineOpsTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options()).actualPort();
  }

  /** Sets the pipeline, sends one frame, returns the decoded reply. */
  private Mat roundTrip(Vertx vertx, JsonObject pipeline, Buffer jpeg) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject answer = client.setPipeline(pipeline);
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("pipeline");
      client.sendFramed(1, 0, jpeg);
      return Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
    }
  }

  @Test
  void resizeByHeightKeepsAspect(Vertx vertx) {
    Mat image = roundTrip(vertx, pipeline(op("resize").put("height", 120)), Images.leftRedRightBlue());
    assertThat(image.cols()).isEqualTo(160);
    assertThat(image.rows()).isEqualTo(120);
  }

  @Test
  void resizeWithBothFitsInsideTheBox(Vertx vertx) {
    Mat image = roundTrip(vertx, pipeline(op("resize").put("width", 200).put("height", 200)), Images.leftRedRightBlue());
    assertThat(image.cols()).isEqualTo(200);
    assertThat(image.rows()).isEqualTo(150);
  }

  @Test
  void flipVerticalMovesTheTopToTheBottom(Vertx vertx) {
    Buffer topRed = Images.jpeg(Images.canvas(640, 480, BLUE, new Rect(0, 0, 640, 240), RED));
    Mat image = roundTrip(vertx, pipeline(op("flip").put("axis", "vertical")), topRed);
    assertThat(Images.mean(image, new Rect(0, 260, 640, 200))[2]).as("red at the bottom").isGreaterThan(200);
    assertThat(Images.mean(image, new Rect(0, 20, 640, 200))[0]).as("blue at the top").isGreaterThan(200);
  }

  @Test
  void grayGivesOneChannelOfTheColoursLuminance(Vertx vertx) {
    Mat image = roundTrip(vertx, pipeline(op("gray")), Images.leftRedRightBlue());
    assertThat(image.channels()).isEqualTo(1);
    assertThat(image.cols()).isEqualTo(640);
    // ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B: red 76, blue 29, green 150 (a channel
    // alone or the plain average gives none of these).
    assertThat(Images.mean(image, new Rect(20, 20, 280, 440))[0]).as("red").isCloseTo(76, Offset.offset(5.0));
    assertThat(Images.mean(image, new Rect(340, 20, 280, 440))[0]).as("blue").isCloseTo(29, Offset.offset(5.0));
    Mat green = roundTrip(vertx, pipeline(op("gray")), Images.jpeg(Images.canvas(64, 48, new Scalar(0, 255, 0), null, null)));
    assertThat(Images.mean(green, new Rect(0, 0, 64, 48))[0]).as("green").isCloseTo(150, Offset.offset(5.0));
  }

  @Test
  void blurSoftensAHardEdge(Vertx vertx) {
    Buffer edge = Images.jpeg(Images.canvas(640, 480, BLACK, new Rect(320, 0, 320, 480), WHITE));
    Mat sharp = roundTrip(vertx, pipeline(), edge);
    Mat blurred = roundTrip(vertx, pipeline(op("blur").put("kernel", 31)), edge);
    // Two columns either side of the edge: near-black and near-white when sharp, mixed when blurred.
    double sharpLeft = Images.mean(sharp, new Rect(316, 100, 2, 200))[0];
    double blurredLeft = Images.mean(blurred, new Rect(316, 100, 2, 200))[0];
    assertThat(sharpLeft).isLessThan(30);
    assertThat(blurredLeft).isGreaterThan(60);
  }

  @Test
  void cannyFindsTheOutlineOfASquare(Vertx vertx) {
    Buffer square = Images.jpeg(Images.canvas(640, 480, BLACK, new Rect(200, 140, 240, 200), WHITE));
    Mat edges = roundTrip(vertx, pipeline(op("canny")), square);
    assertThat(edges.channels()).isEqualTo(1);
    assertThat(Images.mean(edges, new Rect(190, 150, 20, 180))[0]).as("left edge").isGreaterThan(10);
    assertThat(Images.mean(edges, new Rect(260, 200, 120, 80))[0]).as("inside").isLessThan(5);
    assertThat(Images.mean(edges, new Rect(0, 0, 150, 100))[0]).as("background").isLessThan(5);
  }

  @Test
  void facesWithTheHaarCascadeDrawsARectangleAroundTheAstronautsFace(Vertx vertx) {
    JsonObject faces = HelloOps.find(FrameClient.connect(vertx, port).hello().getJsonArray("ops"), "faces");
    JsonObject haar = faces.getJsonObject("models").getJsonObject("haar");
    assertThat(haar.getBoolean("available")).as("haar needs Debian's opencv-data: " + haar.getString("reason")).isTrue();

    Mat image = roundTrip(vertx, pipeline(op("faces").put("model", "haar")), Images.fixture("astronaut-640x480.jpg"));
    Mat original = Images.decode(Images.fixture("astronaut-640x480.jpg"));
    // The fixture's README: the face is at about x=221, y=82, 121x121. The rectangle's top edge is drawn in green.
    double[] drawn = Images.mean(image, new Rect(240, 80, 80, 5));
    double[] before = Images.mean(original, new Rect(240, 80, 80, 5));
    assertThat(drawn[1] - before[1]).as("green added along the face's top edge").isGreaterThan(40);
    Mat diff = new Mat();
    Core.absdiff(image, original, diff);
    assertThat(Images.mean(diff, new Rect(0, 300, 150, 150))[1]).as("unchanged away from the face").isLessThan(8);
  }

  @Test
  void pluginFoundByServiceLoaderInvertsTheImage(Vertx vertx) {
    Mat image = roundTrip(vertx, pipeline(op("invert")), Images.leftRedRightBlue());
    // Red (0,0,255) inverts to cyan (255,255,0) on the left.
    double[] left = Images.mean(image, new Rect(20, 20, 280, 440));
    assertThat(left[0]).isGreaterThan(200);
    assertThat(left[1]).isGreaterThan(200);
    assertThat(left[2]).isLessThan(50);
  }

  @Test
  void pluginRegisteredInCodeIsOffered(Vertx vertx) {
    OpRegistry registry = OpRegistry.withDefaults(Path.of(new FrameLoopOptions().getFaceOptions().getFaceCascade()))
      .register(new InvertOpFactory("negate"));
    int ownPort = TestServers.start(vertx, TestServers.options(o -> o.getWorkerOptions().setAddress("frameloop.with-negate")), registry).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, ownPort)) {
      assertThat(HelloOps.find(client.hello().getJsonArray("ops"), "negate").getBoolean("available")).isTrue();
      JsonObject answer = client.setPipeline(pipeline(op("negate"), op("resize").put("width", 64)));
      assertThat(answer.getJsonArray("ops").getJsonObject(0).getString("op")).isEqualTo("negate");
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      Mat image = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(image.cols()).isEqualTo(64);
      assertThat(Images.mean(image, new Rect(4, 4, 24, 40))[1]).as("cyan on the left").isGreaterThan(200);
    }
  }

  @Test
  void pipelineAnswerIsNormalizedWithDefaults(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject answer = client.setPipeline(pipeline(op("blur"), op("flip")).put("quality", 60));
      assertThat(answer.getJsonArray("ops")).isEqualTo(new JsonArray()
        .add(op("blur").put("kernel", 9))
        .add(op("flip").put("axis", "horizontal")));
      assertThat(answer.getInteger("quality")).isEqualTo(60);
    }
  }

  @Test
  void badPipelinesGetBadPipelineErrors(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertBadPipeline(client, pipeline(op("sharpen")), "unknown op 'sharpen'", "resize, flip, gray, blur, canny, faces");
      assertBadPipeline(client, pipeline(op("blur").put("kernel", 8)), "kernel", "odd");
      assertBadPipeline(client, pipeline(op("resize").put("width", -5)), "width", "between 1 and");
      assertBadPipeline(client, pipeline(op("resize")), "width", "height");
      assertBadPipeline(client, pipeline(op("flip").put("axis", "diagonal")), "axis", "horizontal");
      assertBadPipeline(client, pipeline(op("flip").put("angle", 3)), "unknown parameter 'angle'", "axis");
      assertBadPipeline(client, pipeline(op("canny").put("low", 200).put("high", 100)), "low", "high");
      assertBadPipeline(client, pipeline(op("resize").put("width", "wide")), "width", "integer");
      assertBadPipeline(client, pipeline().put("quality", 101), "quality", "between 1 and 100");
      assertBadPipeline(client, new JsonObject().put("ops", "flip"), "ops", "list");

      // The session still works, with the pipeline it had.
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(Images.decode(FrameFormat.decode(client.nextBinary()).jpeg()).cols()).isEqualTo(700);
    }
  }

  @Test
  void badControlMessagesGetBadMessageErrors(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendText("{not json");
      assertThat(client.next("error").getString("code")).isEqualTo("bad_message");
      client.sendText("[1,2]");
      assertThat(client.next("error").getString("code")).isEqualTo("bad_message");
      client.sendJson(new JsonObject().put("type", "dance"));
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_message");
      assertThat(error.getString("message")).contains("'dance'").contains("pipeline");
    }
  }

  private static void assertBadPipeline(FrameClient client, JsonObject pipeline, String... fragments) {
    JsonObject answer = client.setPipeline(pipeline);
    assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("error");
    assertThat(answer.getString("code")).isEqualTo("bad_pipeline");
    assertThat(answer.getString("message")).contains(fragments);
  }
}
