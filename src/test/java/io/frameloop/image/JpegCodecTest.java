package io.frameloop.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.JpegCodec;
import io.frameloop.image.OpenCvJpegCodec;
import io.frameloop.image.TurboJpegCodec;
import io.frameloop.image.JpegInfo;
import io.frameloop.testing.Images;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** The SIMD libjpeg-turbo codec and OpenCV's codec give equivalent images and refuse the same junk. */
class JpegCodecTest {

  private static final List<String> PHOTOS = List.of("coffee-640x480.jpg", "astronaut-640x480.jpg");

  private TurboJpegCodec turbo;
  private OpenCvJpegCodec opencv;

  @BeforeEach
  void codecs() {
    Images.fixture(PHOTOS.get(0)); // loads OpenCV
    assertThat(TurboJpegCodec.unavailableReason()).as("libturbojpeg0 is installed (see .ci/run)").isNull();
    turbo = new TurboJpegCodec();
    opencv = new OpenCvJpegCodec();
  }

  @AfterEach
  void close() {
    turbo.close();
    opencv.close();
  }

  @Test
  void bothCodecsDecodeTheSamePixels() {
    for (String photo : PHOTOS) {
      Buffer jpeg = Images.fixture(photo);
      JpegInfo info = JpegInfo.read(jpeg);
      for (int reduction : new int[] {1, 2, 4, 8}) {
        Mat a = turbo.decode(jpeg, info, reduction).clone();
        Mat b = opencv.decode(jpeg, info, reduction);
        assertThat(a.cols()).as(photo + " 1/" + reduction).isEqualTo(JpegCodec.reduced(640, reduction));
        assertThat(a.size()).isEqualTo(b.size());
        assertThat(meanAbsoluteDifference(a, b)).as(photo + " at 1/" + reduction).isLessThan(2.0);
        a.release();
      }
    }
  }

  @Test
  void encodedImagesRoundTripWithinAPsnrBound() {
    for (String photo : PHOTOS) {
      Mat original = Images.decode(Images.fixture(photo));
      for (JpegCodec codec : List.of(turbo, opencv)) {
        Buffer encoded = codec.encode(original, 80);
        Mat back = Images.decode(encoded);
        assertThat(Core.PSNR(original, back)).as(codec.name() + " " + photo).isGreaterThan(30);
        back.release();
      }
      // Greyscale encodes to a one-channel JPEG.
      Mat gray = new Mat();
      Imgproc.cvtColor(original, gray, Imgproc.COLOR_BGR2GRAY);
      assertThat(Images.decode(turbo.encode(gray, 80)).channels()).isEqualTo(1);
      original.release();
    }
  }

  @Test
  void nonContinuousImagesAreEncodedCorrectly() {
    Mat big = Images.canvas(200, 100, new Scalar(0, 0, 255), null, null);
    Mat region = big.submat(10, 60, 20, 120); // 100x50, rows not contiguous in memory
    Mat back = Images.decode(turbo.encode(region, 90));
    assertThat(back.cols()).isEqualTo(100);
    assertThat(back.rows()).isEqualTo(50);
    assertThat(Core.mean(back).val[2]).isGreaterThan(240);
  }

  @Test
  void cmykJpegsAreDecodedByTheFallbackToTheColoursOfTheOriginal() {
    Buffer cmyk = Images.fixture("coffee-160x120-cmyk.jpg");
    JpegInfo info = JpegInfo.read(cmyk);
    assertThat(info.components()).isEqualTo(4);
    // The fixture is coffee-640x480.jpg reduced to 160x120 and converted to CMYK (fixtures/README.md).
    Mat original = new Mat();
    Imgproc.resize(Images.decode(Images.fixture("coffee-640x480.jpg")), original,
      new Size(160, 120), 0, 0, Imgproc.INTER_AREA);
    Mat a = turbo.decode(cmyk, info, 1).clone();
    Mat b = opencv.decode(cmyk, info, 1);
    // Measured: 3.5 per channel (two JPEG generations); inverted or swapped inks are off by 50 and more.
    assertThat(meanAbsoluteDifference(a, original)).as("turbojpeg's fallback against the RGB original").isLessThan(8.0);
    assertThat(meanAbsoluteDifference(b, original)).as("opencv against the RGB original").isLessThan(8.0);
    assertThat(meanAbsoluteDifference(a, b)).isLessThan(1.0);
  }

  @Test
  void corruptInputIsRefusedOrDecodedByBothNeverACrash() {
    Buffer photo = Images.fixture("coffee-640x480.jpg");
    Random random = new Random(7);
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      byte[] bytes = photo.getBytes();
      for (int n = 1 + random.nextInt(20); n > 0; n--) {
        bytes[2 + random.nextInt(random.nextBoolean() ? 620 : bytes.length - 2)] = (byte) random.nextInt(256);
      }
      Buffer damaged = Buffer.buffer(bytes).getBuffer(0, random.nextBoolean() ? bytes.length : 2 + random.nextInt(bytes.length - 2));
      JpegInfo info;
      try {
        info = JpegInfo.read(damaged);
      } catch (RuntimeException e) {
        refused++;
        continue; // the processor refuses it before any codec sees it
      }
      if (info.pixels() > 4096L * 4096 || info.pixels() == 0) {
        continue; // over the limits: refused before decoding, as in FrameProcessor
      }
      for (JpegCodec codec : List.of(turbo, opencv)) {
        try {
          Mat image = codec.decode(damaged, info, 1);
          assertThat(image.cols()).isEqualTo(info.width());
        } catch (BadFrameException e) {
          assertThat(e.getMessage()).isNotBlank();
          refused++;
        }
        // A bad frame leaves nothing behind: the next good one decodes.
        assertThat(codec.decode(photo, JpegInfo.read(photo), 1).cols()).as(codec.name() + " after mutation " + i).isEqualTo(640);
      }
    }
    assertThat(refused).isPositive();
    assertThatThrownBy(() -> turbo.decode(Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}),
      new JpegInfo(1, 1, 3, false), 1)).isInstanceOf(BadFrameException.class);
  }

  private static double meanAbsoluteDifference(Mat a, Mat b) {
    Mat diff = new Mat();
    Core.absdiff(a, b, diff);
    Scalar mean = Core.mean(diff);
    diff.release();
    return (mean.val[0] + mean.val[1] + mean.val[2]) / 3;
  }
}
