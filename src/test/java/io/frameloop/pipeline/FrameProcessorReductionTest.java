package io.frameloop.pipeline;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.image.JpegInfo;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.testing.Images;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JPEG is decoded reduced when, and only when, the first op says through the SPI that a smaller input will do. */
class FrameProcessorReductionTest {

  private static final ImageLimits LIMITS = new ImageLimits().setMaxPixels(16_000_000);
  private static final JpegInfo VGA = new JpegInfo(640, 480, 3, false);

  private final SizeProbeOpFactory shrinking = new SizeProbeOpFactory("shrinking", new ImageSize(160, 120));
  private final SizeProbeOpFactory almostQuarter = new SizeProbeOpFactory("almostQuarter", new ImageSize(161, 120));
  private final SizeProbeOpFactory fullSize = new SizeProbeOpFactory("fullSize", null);
  private OpRegistry registry;
  private FrameProcessor processor;

  @BeforeEach
  void start() {
    Images.leftRedRightBlue(); // loads OpenCV
    registry = OpRegistry.withDefaults(Path.of("/nonexistent/cascade.xml"))
      .register(shrinking).register(almostQuarter).register(fullSize);
    processor = new FrameProcessor(registry, LIMITS, new OpenCvJpegCodec());
  }

  @AfterEach
  void close() {
    processor.close();
  }

  @Test
  void aPlugInThatDeclaresASmallestInputGetsAReducedDecode() {
    process(op("shrinking"));
    process(op("almostQuarter"));
    assertThat(shrinking.inputs).containsExactly(new ImageSize(160, 120));
    assertThat(almostQuarter.inputs).as("1/4 would be under 161 wide").containsExactly(new ImageSize(320, 240));
  }

  @Test
  void aPipelineWhoseFirstOpIsNotShrinkingDecodesAtFullSize() {
    process(op("fullSize"), op("shrinking"));
    assertThat(fullSize.inputs).containsExactly(new ImageSize(640, 480));
    assertThat(shrinking.inputs).containsExactly(new ImageSize(640, 480));
    assertThat(reduction(op("flip"), op("resize").put("width", 80))).isEqualTo(1);
    assertThat(reduction()).isEqualTo(1);
  }

  @Test
  void resizeChoosesTheLargestReductionThatStillDecodesItsTargetSize() {
    assertThat(reduction(op("resize").put("width", 80))).isEqualTo(8);
    assertThat(reduction(op("resize").put("width", 40))).isEqualTo(8);
    assertThat(reduction(op("resize").put("width", 160))).isEqualTo(4);
    assertThat(reduction(op("resize").put("width", 161))).isEqualTo(2);
    assertThat(reduction(op("resize").put("height", 240))).isEqualTo(2);
    assertThat(reduction(op("resize").put("width", 320).put("height", 100))).as("fits 133x100").isEqualTo(4);
    assertThat(reduction(op("resize").put("width", 640))).isEqualTo(1);
    assertThat(reduction(op("resize").put("width", 1000))).as("enlarging").isEqualTo(1);
  }

  private PipelineSpec spec(JsonObject... steps) {
    return registry.parse(ops(steps), 80);
  }

  private int reduction(JsonObject... steps) {
    return processor.reduction(spec(steps), VGA);
  }

  private void process(JsonObject... steps) {
    processor.process(new FrameJob(Images.leftRedRightBlue(), spec(steps)));
  }
}
