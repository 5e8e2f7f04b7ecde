package io.frameloop.endtoend.faces;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.ops.faces.DetectedFace;
import io.frameloop.pipeline.ops.faces.FaceModels;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FaceScoreOpFactory;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.HelloOps;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** The faces (BlazeFace) and anonymize ops on a real server, with the photo fixtures. */
@ExtendWith(VertxExtension.class)
class FaceOpsTest {

  private static final Buffer ASTRONAUT = Images.fixture("astronaut-640x480.jpg");

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options()).actualPort();
  }

  /** The reply to {@code jpeg} through {@code op} alone (none: the frame only decoded and encoded again). */
  static Mat reply(Vertx vertx, int port, JsonObject op, Buffer jpeg) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject answer = client.setPipeline((op == null ? pipeline() : pipeline(op)).put("quality", 95));
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("pipeline");
      client.sendFramed(1, 0, jpeg);
      return Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
    }
  }

  static double iou(Rect a, Rect b) {
    return new DetectedFace(a.x, a.y, a.width, a.height, 1, new double[0]).iou(new DetectedFace(b.x, b.y, b.width, b.height, 1, new double[0]));
  }

  @Test
  void helloListsBothFaceModelsAndTheirAvailability(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonArray ops = client.hello().getJsonArray("ops");
      for (String name : new String[] {"faces", "anonymize"}) {
        JsonObject op = HelloOps.find(ops, name);
        assertThat(op.getBoolean("available")).isTrue();
        assertThat(op.getJsonObject("models").getJsonObject("blazeface").getBoolean("available")).isTrue();
        assertThat(op.getJsonObject("models").getJsonObject("haar").getBoolean("available"))
          .as("needs Debian's opencv-data").isTrue();
      }
      JsonObject model = HelloOps.find(ops, "faces").getJsonArray("params").getJsonObject(0);
      assertThat(model.getString("name")).isEqualTo("model");
      assertThat(model.getJsonArray("choices")).containsExactly("blazeface", "haar");
    }
  }

  @Test
  void facesFramesTheAstronautsFaceAndNothingOnTheCoffee(Vertx vertx) {
    Mat plain = reply(vertx, port, null, ASTRONAUT);
    Rect box = Images.changedRegion(reply(vertx, port, op("faces"), ASTRONAUT), plain);
    assertThat(iou(box, Images.ASTRONAUT_FACE)).as("drawn " + box).isGreaterThanOrEqualTo(0.5);

    Buffer coffee = Images.fixture("coffee-640x480.jpg");
    assertThat(Images.changedRegion(reply(vertx, port, op("faces"), coffee), reply(vertx, port, null, coffee)).area()).isZero();
  }

  @Test
  void facesFindsTheFaceInALetterboxed1280x720FrameAndDrawsKeypoints(Vertx vertx) {
    Mat frame = Mat.zeros(720, 1280, Images.decode(ASTRONAUT).type());
    Mat inner = frame.submat(new Rect(160, 0, 960, 720));
    Imgproc.resize(Images.decode(ASTRONAUT), inner, inner.size(), 0, 0, Imgproc.INTER_CUBIC);
    Buffer jpeg = Images.jpeg(frame);
    Mat plain = reply(vertx, port, null, jpeg);
    Rect face = Images.ASTRONAUT_FACE;
    Rect expected = new Rect(160 + face.x * 3 / 2, face.y * 3 / 2, face.width * 3 / 2, face.height * 3 / 2);
    Rect box = Images.changedRegion(reply(vertx, port, op("faces"), jpeg), plain);
    assertThat(iou(box, expected)).as("drawn " + box).isGreaterThanOrEqualTo(0.5);

    // The keypoints are red dots on the face (the ears at its sides): more red there than with the rectangle alone.
    Mat withKeypoints = reply(vertx, port, op("faces").put("keypoints", true), jpeg);
    Rect inside = new Rect(expected.x - 12, expected.y - 12, expected.width + 24, expected.height + 24);
    Mat rectangleOnly = reply(vertx, port, op("faces"), jpeg);
    Rect dots = Images.changedRegion(withKeypoints, rectangleOnly);
    assertThat(dots.area()).isPositive();
    assertThat(inside.contains(dots.tl()) && inside.contains(dots.br())).as("dots " + dots + " inside " + inside).isTrue();
  }

  @Test
  void anonymizeChangesTheFaceAndNothingOutsideThePaddedBox(Vertx vertx) {
    Mat plain = reply(vertx, port, null, ASTRONAUT);
    Rect face = Images.ASTRONAUT_FACE;
    // The padded box (15 % on each side) grown by 24 pixels: a JPEG block of 16 and the detector's distance to the hand-marked box.
    int padX = face.width * 15 / 100 + 24;
    int padY = face.height * 15 / 100 + 24;
    Rect outside = new Rect(face.x - padX, face.y - padY, face.width + 2 * padX, face.height + 2 * padY);
    for (String style : new String[] {"blur", "pixelate"}) {
      Mat anonymized = reply(vertx, port, op("anonymize").put("style", style), ASTRONAUT);
      Mat diff = new Mat();
      Core.absdiff(anonymized, plain, diff);
      Imgproc.cvtColor(diff, diff, Imgproc.COLOR_BGR2GRAY);
      assertThat(Images.mean(diff, face)[0]).as(style + ": mean change inside the face").isGreaterThan(8);
      Mat outsideMask = Mat.ones(diff.size(), diff.type());
      outsideMask.submat(outside).setTo(new Scalar(0));
      assertThat(Core.mean(diff, outsideMask).val[0]).as(style + ": mean change outside the padded face").isLessThan(1);
    }
  }

  @Test
  void aMissingOrBrokenModelFileLeavesBlazeFaceUnavailableWithTheReasonAndFacesOnHaar(Vertx vertx, @TempDir Path dir) throws Exception {
    Path broken = Files.write(dir.resolve("broken.onnx"), new byte[] {'n', 'o', 't', ' ', 'o', 'n', 'n', 'x'});
    for (Path model : new Path[] {dir.resolve("missing.onnx"), broken}) {
      int ownPort = TestServers.start(vertx, TestServers.options(o -> {
        o.getFaceOptions().setFaceModel(model.toString());
        o.getWorkerOptions().setAddress("frameloop.model-" + model.getFileName());
      })).actualPort();
      try (FrameClient client = FrameClient.connect(vertx, ownPort)) {
        JsonObject faces = HelloOps.find(client.hello().getJsonArray("ops"), "faces");
        assertThat(faces.getBoolean("available")).isTrue();
        JsonObject blazeFace = faces.getJsonObject("models").getJsonObject("blazeface");
        assertThat(blazeFace.getBoolean("available")).isFalse();
        assertThat(blazeFace.getString("reason")).contains(model.toString(), "could not be loaded", "faceModel");
        JsonObject refused = client.setPipeline(pipeline(op("anonymize").put("model", "blazeface")).put("quality", 95));
        assertThat(refused.getString("code")).isEqualTo("bad_pipeline");
        assertThat(refused.getString("message")).contains("model 'blazeface' is unavailable", model.toString());
      }
      Rect box = Images.changedRegion(reply(vertx, ownPort, op("faces"), ASTRONAUT), reply(vertx, ownPort, null, ASTRONAUT));
      assertThat(iou(box, Images.ASTRONAUT_FACE)).as("faces falls back to haar: drawn " + box).isGreaterThanOrEqualTo(0.5);
    }
  }

  @Test
  void aPluginRunsItsOwnOnnxModelThroughTheGenericLayer(Vertx vertx) throws Exception {
    byte[] model;
    try (var in = getClass().getClassLoader().getResourceAsStream(FaceModels.DEFAULT_MODEL_RESOURCE)) {
      model = in.readAllBytes();
    }
    OpRegistry registry = OpRegistry.withDefaults().register(new FaceScoreOpFactory(model));
    int ownPort = TestServers.start(vertx, TestServers.options(o -> o.getWorkerOptions().setAddress("frameloop.facescore")), registry)
      .actualPort();
    Rect corner = new Rect(4, 4, 24, 24);
    assertThat(Images.mean(reply(vertx, ownPort, op("facescore"), ASTRONAUT), corner)[1]).as("a face: white").isGreaterThan(240);
    assertThat(Images.mean(reply(vertx, ownPort, op("facescore"), Images.fixture("coffee-640x480.jpg")), corner)[1])
      .as("no face: black").isLessThan(15);
  }
}
