package io.frameloop.pipeline.ops;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.NativeMats;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.ImageSize;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineLimits;
import io.frameloop.pipeline.PipelineRules;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ReplyMode;
import io.frameloop.pipeline.ops.faces.HaarDetector;
import io.frameloop.testing.Images;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The face ops' parameters are bounded, and the Haar detection's cost is bounded whatever the parameters and the frame: hostile parameters are
 * refused with the pipeline, large frames are searched on a copy scaled to 640 pixels, and one
 * classifier per worker serves every faces op of every pipeline.
 */
class FacesBudgetTest {

  private final OpRegistry registry = OpRegistry.fromClassPath(new JsonObject());
  private final PipelineRules rules = new PipelineRules(registry, new PipelineLimits(), new ImageLimits());

  @Test
  void hostileParametersAreRefusedWithThePipeline() {
    assertRefused(faces().put("scaleFactor", 1.01), "scaleFactor", "between 1.05");
    assertRefused(faces().put("minNeighbors", 0), "minNeighbors", "between 1 and 50");
    assertRefused(faces().put("minSize", 0), "minSize", "between 1 and");
    rules.parse(pipeline(faces().put("scaleFactor", 1.05).put("minNeighbors", 1).put("minSize", 1)), 80);
    JsonObject blazeFace = op("faces");
    assertRefused(blazeFace.copy().put("minScore", 0.1), "minScore", "between 0.3 and 1");
    assertRefused(blazeFace.copy().put("keypoints", "yes"), "keypoints", "true or false");
    assertRefused(blazeFace.copy().put("model", "yolo"), "model", "[blazeface, haar]");
    JsonObject anonymize = op("anonymize");
    assertRefused(anonymize.copy().put("padding", 101), "padding", "between 0 and 100");
    assertRefused(anonymize.copy().put("style", "emoji"), "style", "[blur, pixelate]");
  }

  @Test
  void aLargeFrameIsSearchedOnAScaledCopyAndTheFaceStillFound() {
    // The astronaut at 4x, 2560x1920; the fixture's README puts the face at about x=221, y=82, 121x121.
    Mat large = Images.decode(Images.fixture("astronaut-640x480.jpg"));
    Imgproc.resize(large, large, new Size(2560, 1920), 0, 0, Imgproc.INTER_CUBIC);
    Buffer frame = Images.jpeg(large.clone());
    Mat original = Images.decode(frame);
    try (FrameProcessor processor = new FrameProcessor(registry, new ImageLimits(), new OpenCvJpegCodec())) {
      Mat result = Images.decode(processor.process(new FrameJob(frame, parse(faces()))).jpeg());
      long decoded = 2560L * 1920 * 3;
      assertThat(processor.nativeBytes() - decoded).as("a 640x480 colour copy and its grey, not a full-size grey (4.9 MB)")
        .isBetween(640L * 480 * 4, 640L * 480 * 4 + 4096);

      Rect drawn = Images.changedRegion(result, original);
      assertThat(drawn.x).isBetween(884 - 80, 884 + 80);
      assertThat(drawn.y).isBetween(328 - 80, 328 + 80);
      assertThat(drawn.width).as("scaled back to the frame").isBetween(484 - 120, 484 + 120);
      assertThat(drawn.height).isBetween(484 - 120, 484 + 120);
    }
  }

  @Test
  void aVeryThinFrameKeepsAtLeastOnePixelInTheDetectionCopy() {
    Buffer strip = Images.jpeg(Images.canvas(4096, 2, Images.BLUE, null, null));
    try (FrameProcessor processor = new FrameProcessor(registry, new ImageLimits(), new OpenCvJpegCodec())) {
      assertThat(processor.process(new FrameJob(strip, parse(faces()))).width()).isEqualTo(4096);
    }
  }

  @Test
  void manyPipelinesWithFacesShareOneClassifierAndNoMatsPerOp() {
    Buffer frame = Images.jpeg(Images.canvas(64, 64, Images.BLUE, null, null));
    long matsBefore = NativeMats.live();
    long classifiersBefore = HaarDetector.classifiersLoaded();
    try (FrameProcessor processor = new FrameProcessor(registry, new ImageLimits(), new OpenCvJpegCodec())) {
      processor.process(new FrameJob(frame, sixteenFaces(30)));
      long warm = NativeMats.live();
      for (int minSize = 31; minSize < 61; minSize++) {
        processor.process(new FrameJob(frame, sixteenFaces(minSize)));
      }
      assertThat(NativeMats.live()).as("30 more pipelines of 16 faces ops each").isEqualTo(warm);
      assertThat(warm - matsBefore).as("codec, two outputs, scratch, rectangles").isLessThanOrEqualTo(10);
      assertThat(HaarDetector.classifiersLoaded() - classifiersBefore).as("one classifier for the worker").isEqualTo(1);
    }
    assertThat(NativeMats.live()).isEqualTo(matsBefore);
  }

  private PipelineSpec sixteenFaces(int minSize) {
    List<JsonObject> steps = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      steps.add(faces().put("minSize", minSize));
    }
    // Checked at the frames' size: 16 detections on 64x64 frames fit the cost budget (on 640x480 they do not).
    return rules.parse(pipeline(steps), 80, ReplyMode.IMAGE, new ImageSize(64, 64));
  }

  private static JsonObject faces() {
    return op("faces").put("model", "haar");
  }

  private PipelineSpec parse(JsonObject op) {
    return rules.parse(pipeline(op), 95);
  }

  private void assertRefused(JsonObject op, String... fragments) {
    assertThatThrownBy(() -> parse(op)).isInstanceOf(PipelineException.class).hasMessageContainingAll(fragments);
  }
}
