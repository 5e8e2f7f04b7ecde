package io.frameloop.pipeline;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.image.NativeMats;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.testing.ContextInvertOpFactory;
import io.frameloop.testing.Images;
import io.frameloop.testing.InvertOpFactory;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

/**
 * Built-in ops write into the worker's two output images, so a pipeline's native memory does not
 * grow with its op count; plug-ins that keep their own Mats still work, and the pipeline cache
 * bounds the images they keep.
 */
class OpContextTest {

  /** 4096x2025 is exactly the default maxPixels (8294400); one colour image of it is 24.9 MB. */
  private static final int WIDTH = 4096;
  private static final int HEIGHT = 2025;
  private static final long IMAGE_BYTES = (long) WIDTH * HEIGHT * 3;
  /** Red on the left quarter: a horizontal flip moves it to the right. */
  private static final Buffer FRAME = Images.jpeg(Images.canvas(WIDTH, HEIGHT, Images.BLUE, new Rect(0, 0, 1024, HEIGHT), Images.RED));

  private final OpRegistry registry = OpRegistry.fromClassPath(new JsonObject()).register(new InvertOpFactory("negate"))
    .register(new ContextInvertOpFactory("invertInto"));
  private final PipelineRules rules = new PipelineRules(registry, new PipelineLimits(), new ImageLimits());
  private long before;
  private FrameProcessor processor;

  @BeforeEach
  void start() {
    before = NativeMats.live();
    processor = new FrameProcessor(registry, new ImageLimits(), new OpenCvJpegCodec());
  }

  @AfterEach
  void close() {
    processor.close();
    assertThat(NativeMats.live()).as("every Mat released with the processor").isEqualTo(before);
  }

  @Test
  void sixteenFlipsHoldTwoOutputImagesAndGiveTheImageBack() {
    Mat flippedTwice = process(Collections.nCopies(2, op("flip")));
    long matsForTwo = NativeMats.live() - before;
    long bytesForTwo = processor.nativeBytes();

    Mat flipped16 = process(Collections.nCopies(16, op("flip")));
    assertThat(NativeMats.live() - before).as("Mats independent of the op count").isEqualTo(matsForTwo).isLessThanOrEqualTo(8);
    assertThat(processor.nativeBytes()).as("the decoded frame and two outputs").isEqualTo(bytesForTwo)
      .isEqualTo(3 * IMAGE_BYTES);
    for (Mat image : new Mat[] {flippedTwice, flipped16}) {
      assertThat(Images.mean(image, new Rect(100, 100, 800, 1800))[2]).as("16 flips: red still on the left").isGreaterThan(200);
      assertThat(Images.mean(image, new Rect(3200, 100, 800, 1800))[0]).as("blue on the right").isGreaterThan(200);
    }
    Mat flipped15 = process(Collections.nCopies(15, op("flip")));
    assertThat(Images.mean(flipped15, new Rect(3200, 100, 800, 1800))[2]).as("15 flips: red on the right").isGreaterThan(200);
  }

  @Test
  void everyBuiltInOpWritesIntoTheContext() {
    process(List.of(op("flip")));
    long mats = NativeMats.live() - before;
    process(List.of(op("resize").put("width", 2048), op("blur"), op("canny"), op("flip"), op("gray"),
      op("resize").put("width", 1000), op("faces"), op("flip").put("axis", "both")));
    assertThat(NativeMats.live() - before).as("two scratch Mats and the faces rectangles, no Mat per op")
      .isLessThanOrEqualTo(mats + 3);
  }

  @Test
  void aPlugInWrittenAgainstTheContextHoldsNoImageOfItsOwn() {
    process(Collections.nCopies(2, op("flip")));
    long mats = NativeMats.live() - before;
    Mat inverted15 = process(Collections.nCopies(15, op("invertInto")));
    assertThat(NativeMats.live() - before).isEqualTo(mats);
    assertThat(processor.nativeBytes()).isEqualTo(3 * IMAGE_BYTES);
    assertThat(Images.mean(inverted15, new Rect(100, 100, 800, 1800))[0]).as("red inverted to cyan").isGreaterThan(200);
    Mat inverted16 = process(Collections.nCopies(16, op("invertInto")));
    assertThat(Images.mean(inverted16, new Rect(100, 100, 800, 1800))[2]).as("16 inversions: red").isGreaterThan(200);
  }

  @Test
  void aPlugInThatKeepsItsOwnMatStillWorksBetweenBuiltIns() {
    Mat image = process(List.of(op("flip"), op("negate"), op("flip")));
    // Red (0,0,255) inverts to cyan (255,255,0), and two flips put it back on the left.
    double[] left = Images.mean(image, new Rect(100, 100, 800, 1800));
    assertThat(left[0]).isGreaterThan(200);
    assertThat(left[2]).isLessThan(50);
    // The second flip's input is the plug-in's image, so it writes into the same output as the first.
    assertThat(processor.nativeBytes()).as("the decoded frame, one output and the plug-in's own image")
      .isEqualTo(3 * IMAGE_BYTES);
  }

  @Test
  void cachedPipelinesOfPlugInsThatKeepImagesAreBoundedInBytes() {
    process(List.of());
    long mats = NativeMats.live() - before;
    for (int inverts = 1; inverts <= 4; inverts++) {
      process(Collections.nCopies(inverts, op("negate")));
    }
    // Uncached, 1 + 2 + 3 + 4 = 10 full-size images would be kept; the bound is two besides the current pipeline's.
    assertThat(NativeMats.live() - before - mats).as("the current pipeline's 4 images only").isEqualTo(4);
    assertThat(processor.nativeBytes()).as("the decoded frame and the 4 inverts' images").isEqualTo((1 + 4) * IMAGE_BYTES);
  }

  private Mat process(List<JsonObject> ops) {
    PipelineSpec spec = rules.parse(pipeline(ops), 95);
    return Images.decode(processor.process(new FrameJob(FRAME, spec)).jpeg());
  }
}
