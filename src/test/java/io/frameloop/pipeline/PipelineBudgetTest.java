package io.frameloop.pipeline;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.BadFrameException;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.testing.Images;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.opencv.core.Rect;

/**
 * A frame's cost budget, enforced before the work: at most maxOps ops, refused when the pipeline
 * is set; and no image over the image limits, refused at the pipeline when it would be over them
 * for any frame, else per frame from the JPEG header, before decoding.
 */
class PipelineBudgetTest {

  private static final ImageLimits LIMITS = new ImageLimits(); // 4096x4096 and 8294400 pixels
  private static final String OVER_THE_LIMITS = "over the image limits of 4096x4096 and 8294400 pixels";

  private final OpRegistry registry = OpRegistry.fromClassPath(new JsonObject());
  private final PipelineRules rules = new PipelineRules(registry, new PipelineLimits(), LIMITS);

  @Test
  void aPipelineOverMaxOpsIsRefusedWithTheReason() {
    assertThat(rules.parse(pipeline(Collections.nCopies(16, op("flip"))), 80).steps()).hasSize(16);
    assertThatThrownBy(() -> rules.parse(pipeline(Collections.nCopies(1100, op("flip"))), 80))
      .isInstanceOf(PipelineException.class).hasMessageContainingAll("too many ops: 1100", "at most 16", "maxOps");

    PipelineRules four = new PipelineRules(registry, new PipelineLimits().setMaxOps(4), LIMITS);
    assertThatThrownBy(() -> four.parse(pipeline(Collections.nCopies(5, op("gray"))), 80))
      .isInstanceOf(PipelineException.class).hasMessageContainingAll("too many ops: 5", "at most 4");
  }

  @Test
  void aResizeOverTheLimitsForAnyFrameIsRefusedWhenThePipelineIsSet() {
    assertRefused(pipeline(op("resize").put("width", 8192)), "ops[0] (resize)", "8192x4050 image of a 4096x2025 frame");
    // The case: 256x4096 frames would have become 8192x131072.
    assertRefused(pipeline(op("gray"), op("resize").put("width", 8192)), "ops[1] (resize)");
    assertRefused(pipeline(op("resize").put("height", 5000)), "ops[0] (resize)");
    assertRefused(pipeline(op("resize").put("width", 100), op("resize").put("width", 4097)), "ops[1] (resize)");

    // Within the limits for some frames: accepted, and checked per frame.
    rules.parse(pipeline(op("resize").put("width", 4096)), 80);
    rules.parse(pipeline(op("resize").put("height", 4096)), 80);
    rules.parse(pipeline(op("resize").put("width", 8192).put("height", 100)), 80);
  }

  @Test
  void aWidthOnlyResizeOfATallFrameIsRefusedPerFrameBeforeDecodingWhileANormalFrameWorks() {
    PipelineSpec widen = rules.parse(pipeline(op("gray"), op("resize").put("width", 2048)), 80);
    Buffer tall = Images.jpeg(Images.canvas(256, 4096, Images.BLUE, null, null));
    // The same header over 16x16 pixels: the refusal comes from the header alone.
    Buffer tallHeaderOnly = Images.withDeclaredSize(Images.jpeg(Images.canvas(16, 16, Images.BLUE, null, null)), 256, 4096);
    try (FrameProcessor processor = new FrameProcessor(registry, LIMITS, new OpenCvJpegCodec())) {
      for (Buffer frame : new Buffer[] {tall, tallHeaderOnly}) {
        assertThatThrownBy(() -> processor.process(new FrameJob(frame, widen)))
          .isInstanceOf(BadFrameException.class)
          .hasMessageContainingAll("ops[1] (resize) would make a 2048x32768 image of a 256x4096 frame", OVER_THE_LIMITS);
      }
      Buffer normal = Images.jpeg(Images.canvas(640, 480, Images.BLUE, new Rect(0, 0, 320, 480), Images.RED));
      ProcessedFrame processed = processor.process(new FrameJob(normal, widen));
      assertThat(processed.width()).isEqualTo(2048);
      assertThat(processed.height()).isEqualTo(1536);
    }
  }

  @Test
  void tighterLimitsBoundTheOutputToo() {
    ImageLimits small = new ImageLimits().setMaxWidth(1000).setMaxHeight(1000).setMaxPixels(500_000);
    PipelineRules tight = new PipelineRules(registry, new PipelineLimits(), small);
    assertThatThrownBy(() -> tight.parse(pipeline(op("resize").put("width", 1001)), 80))
      .isInstanceOf(PipelineException.class).hasMessageContaining("1000x1000 and 500000 pixels");
    PipelineSpec square = tight.parse(pipeline(op("resize").put("width", 1000)), 80);
    try (FrameProcessor processor = new FrameProcessor(registry, small, new OpenCvJpegCodec())) {
      assertThatThrownBy(() -> processor.process(new FrameJob(Images.jpeg(Images.canvas(400, 400, Images.RED, null, null)), square)))
        .isInstanceOf(BadFrameException.class).hasMessageContaining("1000x1000 image of a 400x400 frame");
      assertThat(processor.process(new FrameJob(Images.jpeg(Images.canvas(400, 200, Images.RED, null, null)), square)).height())
        .isEqualTo(500);
    }
  }

  private void assertRefused(JsonObject pipeline, String... fragments) {
    assertThatThrownBy(() -> rules.parse(pipeline, 80)).as(pipeline.encode())
      .isInstanceOf(PipelineException.class)
      .hasMessageContainingAll(fragments)
      .hasMessageContaining(OVER_THE_LIMITS);
  }
}
