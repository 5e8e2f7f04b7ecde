package io.frameloop.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.testing.Images;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Issue 17 row 1: an image too large to encode is refused as the server's failure
 * ({@link JpegEncodeException}, not {@link BadFrameException}) and leaves the codec working.
 */
class JpegEncodeFailureTest {

  private TurboJpegCodec turbo;
  private OpenCvJpegCodec opencv;
  private Buffer photo;

  @BeforeEach
  void codecs() {
    photo = Images.fixture("coffee-640x480.jpg"); // loads OpenCV
    turbo = new TurboJpegCodec();
    opencv = new OpenCvJpegCodec();
  }

  @AfterEach
  void close() {
    turbo.close();
    opencv.close();
  }

  @Test
  void row1ThePoisonEncodeLeavesTheCodecWorking() {
    // [gray, resize width 8192] on a 256x4096 frame: 8192x131072, 1 GiB never touched (refused first).
    Mat row1 = new Mat(131072, 8192, CvType.CV_8UC1);
    // Sides within JPEG's limit whose buffer is 2^31 + 2048 bytes: the size that broke tjAlloc.
    Mat square = new Mat(32768, 32768, CvType.CV_8UC1);
    try {
      for (JpegCodec codec : List.of(turbo, opencv)) {
        assertThatThrownBy(() -> codec.encode(row1, 80))
          .as(codec.name())
          .isInstanceOf(JpegEncodeException.class)
          .isNotInstanceOf(BadFrameException.class)
          .hasMessage("cannot encode a 8192x131072 image as JPEG: a side is over 65500 pixels");
        assertEncodesAndDecodes(codec);
      }
      for (int attempt = 0; attempt < 2; attempt++) {
        assertThatThrownBy(() -> turbo.encode(square, 80))
          .isInstanceOf(JpegEncodeException.class)
          .hasMessage("cannot encode a 32768x32768 image as JPEG: its buffer would need 2147485696 bytes, over the limit of 2147483639");
        assertEncodesAndDecodes(turbo);
      }
    } finally {
      row1.release();
      square.release();
    }
  }

  @Test
  void theBufferSizeIsComputedWithoutTurboJpegsIntOverflow() {
    int gray = TurboJpeg.TJSAMP_GRAY;
    int color = TurboJpeg.TJSAMP_420;
    // Where libjpeg-turbo 2.1's tjBufSize is right, the sizes agree with it.
    for (int[] size : new int[][] {{1, 1}, {640, 480}, {700, 525}, {4096, 4096}, {8192, 65500}}) {
      for (int subsamp : new int[] {gray, color}) {
        long expected = TurboJpeg.tjBufSize(size[0], size[1], subsamp).longValue();
        assertThat((long) TurboJpegCodec.outputSize(size[0], size[1], subsamp)).as(size[0] + "x" + size[1]).isEqualTo(expected);
      }
    }
    // tjBufSize(65535, 65535, gray) wraps to 2048 and (65500, 65500) to a negative: refused.
    for (int[] size : new int[][] {{65535, 65535}, {65500, 65500}, {16384, 65500}, {26755, 26755}}) {
      assertThatThrownBy(() -> TurboJpegCodec.outputSize(size[0], size[1], color))
        .isInstanceOf(JpegEncodeException.class).hasMessageContaining("over the limit of 2147483639");
    }
    // The largest grey square that fits: 32760 (padded to 32760) gives 2146437248 bytes.
    assertThat(TurboJpegCodec.outputSize(32760, 32760, gray)).isEqualTo(2 * 32760 * 32760 + 2048);
  }

  @Test
  void imagesNoJpegHoldsAreTheServersFailure() {
    Mat deep = new Mat(10, 10, CvType.CV_16UC3);
    Mat twoChannels = new Mat(10, 10, CvType.CV_8UC2);
    Mat empty = new Mat();
    try {
      for (JpegCodec codec : List.of(turbo, opencv)) {
        assertThatThrownBy(() -> codec.encode(deep, 80)).as(codec.name())
          .isInstanceOf(JpegEncodeException.class).hasMessage("cannot encode an image of type CV_16UC3 as JPEG");
        assertThatThrownBy(() -> codec.encode(twoChannels, 80)).as(codec.name())
          .isInstanceOf(JpegEncodeException.class).hasMessage("cannot encode an image of type CV_8UC2 as JPEG");
        assertThatThrownBy(() -> codec.encode(empty, 80)).as(codec.name())
          .isInstanceOf(JpegEncodeException.class).hasMessage("cannot encode an empty image (0x0) as JPEG");
        assertEncodesAndDecodes(codec);
      }
    } finally {
      deep.release();
      twoChannels.release();
      empty.release();
    }
  }

  @Test
  void aDecodeFailureStaysTheClients() {
    // The scan asks for Huffman tables 3, which the file does not define: fatal for both decoders.
    Buffer undefinedTables = photo.copy();
    undefinedTables.setUnsignedByte(JpegTestFiles.segmentPosition(photo, 0xDA) + 6, (short) 0x33);
    JpegInfo info = JpegInfo.read(undefinedTables);
    for (JpegCodec codec : List.of(turbo, opencv)) {
      assertThatThrownBy(() -> codec.decode(undefinedTables, info, 1)).as(codec.name())
        .isInstanceOf(BadFrameException.class).isNotInstanceOf(JpegEncodeException.class);
      assertEncodesAndDecodes(codec);
    }
  }

  /** A normal frame after a failure: decoded and encoded as if nothing happened. */
  private void assertEncodesAndDecodes(JpegCodec codec) {
    Mat image = codec.decode(photo, JpegInfo.read(photo), 1);
    assertThat(image.cols()).as(codec.name()).isEqualTo(640);
    Mat back = Images.decode(codec.encode(image, 80));
    assertThat(back.size()).as(codec.name()).isEqualTo(image.size());
    back.release();
  }
}
