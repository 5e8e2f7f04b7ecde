package io.frameloop.endtoend.results;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The faces op's results on the photo fixtures: the boxes are where the op draws its rectangles,
 * and in the pixels of the frame as sent whatever resize, flip or decode reduction came first.
 */
@ExtendWith(VertxExtension.class)
class ResultsGeometryTest {

  private static final Buffer ASTRONAUT = Images.fixture("astronaut-640x480.jpg");
  /** A few pixels: the rectangle's line width and JPEG's blur around it. */
  private static final int DRAWN_TOLERANCE = 4;

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options()).actualPort();
  }

  /** The results, then the image (null when the mode sends none), of one frame through {@code pipeline}. */
  private record Answer(JsonObject results, Mat image) {
    List<Rect> boxes() {
      List<Rect> boxes = new ArrayList<>();
      for (Object entry : results.getJsonArray("detections")) {
        JsonArray box = ((JsonObject) entry).getJsonArray("box");
        boxes.add(new Rect(box.getInteger(0), box.getInteger(1), box.getInteger(2), box.getInteger(3)));
      }
      return boxes;
    }
  }

  private Answer answer(Vertx vertx, JsonObject pipeline, Buffer jpeg) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline.put("quality", 95));
      client.sendFramed(1, 0, jpeg);
      JsonObject results = "image".equals(pipeline.getString("reply")) ? null : client.next("results");
      Mat image = "results".equals(pipeline.getString("reply")) ? null : Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      return new Answer(results, image);
    }
  }

  private static Mat translation(int dx, int dy) {
    Mat shift = new Mat(2, 3, CvType.CV_64F);
    shift.put(0, 0, 1, 0, dx, 0, 1, dy);
    return shift;
  }

  private static void assertNear(Rect actual, Rect expected, int tolerance, String what) {
    assertThat(new int[] {actual.x, actual.y, actual.x + actual.width, actual.y + actual.height})
      .as(what + ": " + actual + " against " + expected)
      .satisfies(edges -> {
        int[] wanted = {expected.x, expected.y, expected.x + expected.width, expected.y + expected.height};
        for (int i = 0; i < 4; i++) {
          assertThat(Math.abs(edges[i] - wanted[i])).as(what + " edge " + i + ": " + actual + " against " + expected)
            .isLessThanOrEqualTo(tolerance);
        }
      });
  }

  @Test
  void inBothModeEachModelsBoxIsTheRectangleDrawnInTheImage(Vertx vertx) {
    Mat plain = answer(vertx, pipeline().put("reply", "image"), ASTRONAUT).image();
    for (String model : new String[] {"blazeface", "haar"}) {
      Answer answer = answer(vertx, pipeline(op("faces").put("model", model)).put("reply", "both"), ASTRONAUT);
      assertThat(answer.boxes()).as(model).hasSize(1);
      Rect drawn = Images.changedRegion(answer.image(), plain);
      // The line is 2 pixels wide, centred on the box's edges.
      Rect box = answer.boxes().get(0);
      assertNear(box, drawn, DRAWN_TOLERANCE, model);
      double score = answer.results().getJsonArray("detections").getJsonObject(0).getDouble("score");
      assertThat(score).as(model + " score").isEqualTo(model.equals("haar") ? 1.0 : score).isBetween(0.75, 1.0);
    }
  }

  /** A clip with motion: the astronaut moving right and down, frame after frame, through one session. */
  @Test
  void inAMovingClipEachFramesBoxIsItsDrawnRectangleAndFollowsTheFace(Vertx vertx) {
    Mat photo = Images.decode(ASTRONAUT);
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      Rect first = null;
      for (int step = 0; step <= 4; step++) {
        int dx = step * 12;
        int dy = step * 6;
        Mat moved = new Mat();
        Imgproc.warpAffine(photo, moved, translation(dx, dy), photo.size());
        Buffer frame = Images.jpeg(moved);
        client.usePipeline(pipeline().put("quality", 95).put("reply", "image"));
        client.sendFramed(step * 2L, 0, frame);
        Mat plain = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
        client.usePipeline(pipeline(op("faces")).put("quality", 95).put("reply", "both"));
        client.sendFramed(step * 2L + 1, 0, frame);
        JsonObject results = client.next("results");
        Mat drawn = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
        Answer answer = new Answer(results, drawn);
        assertThat(answer.boxes()).as("frame " + step).hasSize(1);
        Rect box = answer.boxes().get(0);
        assertNear(box, Images.changedRegion(drawn, plain), DRAWN_TOLERANCE, "frame " + step);
        if (first == null) {
          first = box;
        }
        assertNear(box, new Rect(first.x + dx, first.y + dy, first.width, first.height), 10,
          "frame " + step + " against the first, moved (the detector's box varies a little with the content)");
      }
    }
  }

  @Test
  void noFaceIsAnEmptyList(Vertx vertx) {
    Answer coffee = answer(vertx, pipeline(op("faces")).put("reply", "results"), Images.fixture("coffee-640x480.jpg"));
    assertThat(coffee.results().getJsonArray("detections")).isEmpty();
    assertThat(coffee.results().getInteger("width")).isEqualTo(640);
  }

  @Test
  void theBoxIsInTheSentFramesPixelsWhateverResizeFlipOrSizeCameFirst(Vertx vertx) {
    Rect faces = answer(vertx, pipeline(op("faces")).put("reply", "results"), ASTRONAUT).boxes().get(0);
    Rect flipped = answer(vertx, pipeline(op("flip"), op("faces")).put("reply", "results"), ASTRONAUT).boxes().get(0);
    // resize 700 first: decoded in full, enlarged, detected, mapped back.
    Rect resized = answer(vertx, pipeline(op("resize").put("width", 700), op("faces")).put("reply", "results"), ASTRONAUT).boxes().get(0);
    // resize 320 first: decoded at half size by the JPEG decoder itself, then mirrored (upside down, no face is found).
    Rect reduced = answer(vertx, pipeline(op("resize").put("width", 320), op("flip"), op("faces"))
      .put("reply", "results"), ASTRONAUT).boxes().get(0);
    assertNear(flipped, faces, 6, "[flip, faces]");
    assertNear(resized, faces, 4, "[resize 700, faces]");
    assertNear(reduced, faces, 6, "[resize 320, flip, faces]");

    Mat half = new Mat();
    Imgproc.resize(Images.decode(ASTRONAUT), half, new Size(320, 240), 0, 0, Imgproc.INTER_AREA);
    Answer sentAtHalf = answer(vertx, pipeline(op("faces")).put("reply", "results"), Images.jpeg(half));
    assertThat(sentAtHalf.results().getInteger("width")).isEqualTo(320);
    Rect small = sentAtHalf.boxes().get(0);
    assertNear(new Rect(small.x * 2, small.y * 2, small.width * 2, small.height * 2), faces, 6, "sent at half size, doubled");
  }

  @Test
  void keypointsWhenAskedOnTheFaceAndFiveFacesFitInOneKilobyte(Vertx vertx) {
    // Five copies of the astronaut's face in a 3x2 grid.
    Mat photo = Images.decode(ASTRONAUT);
    Mat grid = Mat.zeros(320, 480, photo.type());
    Rect crop = new Rect(202, 77, 160, 160);
    for (int i = 0; i < 5; i++) {
      photo.submat(crop).copyTo(grid.submat(new Rect(i % 3 * 160, i / 3 * 160, 160, 160)));
    }
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("faces").put("keypoints", true)).put("reply", "results"));
      client.sendFramed(4_000_000_000L, 1733300000123L, Images.jpeg(grid));
      JsonObject results = client.next("results");
      JsonArray detections = results.getJsonArray("detections");
      assertThat(detections).as(results.encode()).hasSize(5);
      for (Object entry : detections) {
        JsonObject face = (JsonObject) entry;
        JsonArray box = face.getJsonArray("box");
        JsonArray keypoints = face.getJsonArray("keypoints");
        assertThat(keypoints).hasSize(6);
        for (Object point : keypoints) {
          int x = ((JsonArray) point).getInteger(0);
          int y = ((JsonArray) point).getInteger(1);
          assertThat(x).isBetween(box.getInteger(0) - 10, box.getInteger(0) + box.getInteger(2) + 10);
          assertThat(y).isBetween(box.getInteger(1) - 10, box.getInteger(1) + box.getInteger(3) + 10);
        }
      }
      assertThat(results.encode().length()).as(results.encode()).isLessThanOrEqualTo(1024);
    }
  }
}
