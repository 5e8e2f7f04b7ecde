package io.frameloop.pipeline;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.BadFrameException;
import io.frameloop.image.NativeMats;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.testing.Images;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * A decoded video picture in place of a JPEG: no JPEG decode, the ops on the picture at its own
 * size, its video decode counted in the decode stage, the limits checked, one reused Mat.
 */
class FrameProcessorPictureTest {

  @Test
  void aPictureIsProcessedAtItsSizeWithItsVideoDecodeInTheDecodeStage() {
    Mat photo = Images.decode(Images.fixture("coffee-640x480.jpg"));
    byte[] bgr = new byte[640 * 480 * 3];
    photo.get(0, 0, bgr);
    OpRegistry registry = OpRegistry.withDefaults(Path.of("/nonexistent/cascade.xml"));
    long matsBefore = NativeMats.live();
    long videoDecode = TimeUnit.MILLISECONDS.toNanos(7);
    try (FrameProcessor processor = new FrameProcessor(registry, new ImageLimits(), new OpenCvJpegCodec())) {
      ProcessedFrame same = processor.process(FrameJob.ofPicture(new DecodedPicture(640, 480, bgr, videoDecode),
        registry.parse(ops(), 95), 95));
      assertThat(same.width()).isEqualTo(640);
      assertThat(same.height()).isEqualTo(480);
      Mat back = Images.decode(same.jpeg());
      assertThat(Core.PSNR(back, photo)).as("the picture itself, re-encoded at 95").isGreaterThan(35);
      back.release();
      assertThat(same.stages().decodeNanos()).isGreaterThanOrEqualTo(videoDecode);
      assertThat(same.processingNanos()).isGreaterThanOrEqualTo(videoDecode);
      long afterFirst = NativeMats.live();
      ProcessedFrame resized = processor.process(FrameJob.ofPicture(new DecodedPicture(640, 480, bgr, 0),
        registry.parse(ops(op("resize").put("width", 320)), 80), 80));
      assertThat(resized.width()).isEqualTo(320);
      assertThat(NativeMats.live()).as("the picture's Mat is reused").isEqualTo(afterFirst);
      // Over the limits: refused, whatever the pipeline.
      FrameProcessor small = new FrameProcessor(registry, new ImageLimits().setMaxWidth(320), new OpenCvJpegCodec());
      assertThatThrownBy(() -> small.process(FrameJob.ofPicture(new DecodedPicture(640, 480, bgr, 0), registry.parse(ops(), 80), 80)))
        .isInstanceOf(BadFrameException.class).hasMessageContaining("picture 640x480 is over the limit");
      small.close();
    }
    assertThat(NativeMats.live()).as("released with the processor").isEqualTo(matsBefore);
    photo.release();
  }
}
