package io.frameloop.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.pipeline.ops.FlipOp;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.protocol.ServerMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What ops report, mapped to the sent frame's pixels, rounded and bounded. */
class FrameResultsTest {

  private static final ImageSize SENT = new ImageSize(640, 480);

  private static FrameResults results(PixelMapping toFrame) {
    FrameResults results = new FrameResults(SENT.width(), SENT.height());
    results.beginOp("faces", toFrame);
    return results;
  }

  @Test
  void aDetectionIsMappedThroughEveryStepToTheSentFramesPixelsAndRounded() {
    // Decoded at half size, then mirrored: a box at x 10..30 of the mirrored 320x240 image is at 290..310
    // of the decoded one, 580..620 of the sent frame.
    PixelMapping decodedToSent = PixelMapping.scale(new ImageSize(320, 240), SENT);
    PixelMapping mirror = new FlipOpMirror().mapping(new ImageSize(320, 240));
    FrameResults results = results(decodedToSent.after(mirror));
    results.add(new Detection("face", 0.934, 10, 20, 20, 40, new double[] {15, 25}));
    JsonObject detection = results.toJson().getJsonArray("detections").getJsonObject(0);
    assertThat(detection).isEqualTo(new JsonObject().put("op", "faces").put("label", "face").put("score", 0.93)
      .put("box", new JsonArray().add(580).add(40).add(40).add(80))
      .put("keypoints", new JsonArray().add(new JsonArray().add(610).add(50))));
  }

  /** The flip op's own declaration, as the worker gets it. */
  private static final class FlipOpMirror {
    PixelMapping mapping(ImageSize size) {
      return new FlipOp.Factory().pixelMapping(new JsonObject().put("axis", "horizontal"), size, size);
    }
  }

  @Test
  void flipDeclaresEachAxisItMirrors() {
    FlipOp.Factory flip = new FlipOp.Factory();
    for (String axis : new String[] {"horizontal", "vertical", "both"}) {
      FrameResults results = results(flip.pixelMapping(new JsonObject().put("axis", axis), SENT, SENT));
      results.add(new Detection("face", 1, 10, 20, 30, 40));
      JsonArray box = results.toJson().getJsonArray("detections").getJsonObject(0).getJsonArray("box");
      int x = axis.equals("vertical") ? 10 : 640 - 10 - 30;
      int y = axis.equals("horizontal") ? 20 : 480 - 20 - 40;
      assertThat(box).as(axis).isEqualTo(new JsonArray().add(x).add(y).add(30).add(40));
    }
  }

  @Test
  void aResizeUndeclaredIsAPlainScaleAndBoxesAreClippedToTheFrame() {
    FrameOpFactory undeclared = new SimpleOpFactory("shrink", "") {
    };
    PixelMapping toFrame = undeclared.pixelMapping(new JsonObject(), SENT, new ImageSize(320, 240));
    FrameResults results = results(toFrame);
    results.add(new Detection("thing", 1, -10, 200, 40, 60));
    assertThat(results.toJson().getJsonArray("detections").getJsonObject(0).getJsonArray("box"))
      .isEqualTo(new JsonArray().add(0).add(400).add(60).add(80));
  }

  @Test
  void detectionsOverTheLimitAnOversizedObjectOrABadScoreAreAProblemNotAResult() {
    FrameResults many = results(PixelMapping.IDENTITY);
    for (int i = 0; i <= FrameResults.MAX_DETECTIONS; i++) {
      many.add(new Detection("dot", 0.5, i, i, 1, 1));
    }
    assertThat(many.problem()).isEqualTo("reported more than 100 detections in one frame, the limit");
    assertThat(many.detectionCount()).isEqualTo(FrameResults.MAX_DETECTIONS);

    FrameResults big = results(PixelMapping.IDENTITY);
    big.put(new JsonObject().put("pad", "x".repeat(FrameResults.MAX_DATA_BYTES)));
    assertThat(big.problem()).isEqualTo("reported an object of 8202 bytes as JSON, over the limit of 8192");
    FrameResults fits = results(PixelMapping.IDENTITY);
    fits.put(new JsonObject().put("pad", "x".repeat(FrameResults.MAX_DATA_BYTES - 10)));
    assertThat(fits.problem()).isNull();
    assertThat(fits.toJson().getJsonObject("data").getJsonObject("faces").getString("pad")).hasSize(FrameResults.MAX_DATA_BYTES - 10);

    FrameResults badScore = results(PixelMapping.IDENTITY);
    badScore.add(new Detection("face", Double.NaN, 0, 0, 1, 1));
    assertThat(badScore.problem()).contains("score NaN is not from 0 to 1");
  }

  @Test
  void nothingIsReportedOutsideAnOpsTurn() {
    FrameResults results = results(PixelMapping.IDENTITY);
    results.seal();
    assertThatThrownBy(() -> results.add(new Detection("face", 1, 0, 0, 1, 1))).isInstanceOf(IllegalStateException.class);
  }

  /** Five faces with keypoints, every number as long as it gets (4-digit coordinates, a 32-bit seq), fit in 1 KB. */
  @Test
  void aResultsMessageOfFiveFacesWithKeypointsIsAtMostOneKilobyte() {
    FrameResults results = new FrameResults(8192, 8192);
    results.beginOp("faces", PixelMapping.IDENTITY);
    double[] keypoints = {8191.4, 8191.4, 8191.4, 8191.4, 8191.4, 8191.4, 8191.4, 8191.4, 8191.4, 8191.4, 8191.4, 8191.4};
    for (int i = 0; i < 5; i++) {
      results.add(new Detection("face", 0.999, 1000.4 + i, 1000.4, 1234.4, 1234.4, keypoints));
    }
    String message = ServerMessages.results(new FrameHeader(4_294_967_295L, 1_733_300_000_123L), results.toJson()).encode();
    assertThat(message.length()).as(message).isLessThanOrEqualTo(1024);
  }
}
