package io.frameloop.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.testing.Images;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Issue 17: files whose decoding costs far more than their size are refused by JpegInfo, which
 * runs before either decoder, whatever the colour space.
 */
class JpegInfoLimitsTest {

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
  void aProgressiveJpegFromAnEncoderIsAccepted() {
    Buffer progressive = Images.encode(Images.decode(photo), ".pjpg");
    JpegInfo info = JpegInfo.read(progressive);
    assertThat(info.progressive()).isTrue();
    assertThat(JpegTestFiles.sosMarkers(progressive)).as("libjpeg's colour progression").isEqualTo(10);
    assertThat(JpegScans.count(progressive, 2)).isEqualTo(10);
    for (JpegCodec codec : List.of(turbo, opencv)) {
      assertThat(codec.decode(progressive, info, 1).cols()).as(codec.name()).isEqualTo(640);
    }
  }

  @Test
  void scansAreCountedPastStuffedBytesAndRestartMarkers() {
    Mat image = Images.decode(photo);
    MatOfByte out = new MatOfByte();
    Imgcodecs.imencode(".jpg", image, out, new MatOfInt(Imgcodecs.IMWRITE_JPEG_RST_INTERVAL, 4));
    Buffer withRestarts = Buffer.buffer(out.toArray());
    image.release();
    out.release();
    assertThat(countPairs(withRestarts, 0xD0, 0xD7)).as("restart markers in the data").isGreaterThan(100);
    assertThat(countPairs(withRestarts, 0x00, 0x00)).as("stuffed 0xFF bytes in the data").isGreaterThan(10);
    assertThat(JpegScans.count(withRestarts, 2)).isEqualTo(1);
    assertThat(JpegScans.count(photo, 2)).isEqualTo(1);
    // A marker inside a segment is data: an APP segment holding FF DA is not a scan.
    Buffer app = Buffer.buffer().appendBytes(new byte[] {(byte) 0xFF, (byte) 0xE9, 0, 6, (byte) 0xFF, (byte) 0xDA, 0, 8});
    Buffer hidden = photo.getBuffer(0, 2).appendBuffer(app).appendBuffer(photo, 2, photo.length() - 2);
    assertThat(JpegScans.count(hidden, 2)).isEqualTo(1);
    assertThat(JpegInfo.read(hidden).width()).isEqualTo(640);
  }

  @Test
  void moreScansThanTheLimitAreRefusedBeforeAnyDecoder() {
    Buffer progressive = Images.encode(Images.decode(photo), ".pjpg");
    Buffer atLimit = JpegTestFiles.withExtraScans(progressive, JpegInfo.MAX_SCANS - 10);
    JpegInfo info = JpegInfo.read(atLimit);
    // The same number as libjpeg-turbo's own limit: a file JpegInfo accepts, TurboJPEG decodes.
    for (JpegCodec codec : List.of(turbo, opencv)) {
      assertThat(codec.decode(atLimit, info, 1).cols()).as(codec.name()).isEqualTo(640);
    }
    Buffer overLimit = JpegTestFiles.withExtraScans(progressive, JpegInfo.MAX_SCANS - 9);
    assertThatThrownBy(() -> JpegInfo.read(overLimit))
      .isInstanceOf(BadFrameException.class)
      .hasMessage("JPEG has 501 scans, over the limit of 500");
    // And TurboJPEG itself would have refused it: the limits agree.
    assertThatThrownBy(() -> turbo.decode(overLimit, info, 1))
      .isInstanceOf(BadFrameException.class).hasMessageContaining("more than 500 scans");
  }

  @Test
  void aProgressiveCmykJpegWithManyScansIsRefusedBeforeOpenCvsDecoder() {
    Buffer cmyk = JpegTestFiles.progressive(Images.fixture("coffee-160x120-cmyk.jpg"));
    JpegInfo info = JpegInfo.read(cmyk);
    assertThat(info.components()).isEqualTo(4);
    assertThat(info.progressive()).isTrue();
    int scans = JpegScans.count(cmyk, 2);
    assertThat(scans).isEqualTo(JpegTestFiles.sosMarkers(cmyk)).isBetween(10, 30);
    Buffer accepted = JpegTestFiles.withExtraScans(cmyk, JpegInfo.MAX_SCANS - scans);
    assertThat(turbo.decode(accepted, JpegInfo.read(accepted), 1).cols()).isEqualTo(160);
    // CMYK goes to OpenCV's decoder, which has no scan limit of its own: JpegInfo is the only guard.
    Buffer beyond = JpegTestFiles.withExtraScans(cmyk, 2000);
    assertThat(opencv.decode(beyond, info, 1).cols()).isEqualTo(160);
    assertThatThrownBy(() -> JpegInfo.read(beyond)).isInstanceOf(BadFrameException.class);
    // Row 7: 170,000 empty scans, 1.7 MB here.
    Buffer hostile = JpegTestFiles.withExtraScans(cmyk, 170_000 - scans);
    assertThatThrownBy(() -> JpegInfo.read(hostile))
      .isInstanceOf(BadFrameException.class)
      .hasMessage("JPEG has 170000 scans, over the limit of 500");
  }

  @Test
  void arithmeticCodedJpegsAreRefused() {
    Buffer progressive = Images.encode(Images.decode(photo), ".pjpg");
    for (int marker : new int[] {0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}) {
      Buffer arithmetic = JpegTestFiles.withSofMarker(marker == 0xCA ? progressive : photo, marker);
      assertThatThrownBy(() -> JpegInfo.read(arithmetic))
        .isInstanceOf(BadFrameException.class)
        .hasMessage("arithmetic-coded JPEGs are not accepted (SOF" + (marker - 0xC0) + ")");
    }
  }

  @Test
  void losslessHierarchicalAndDeepJpegsAreRefused() {
    assertThatThrownBy(() -> JpegInfo.read(JpegTestFiles.withSofMarker(photo, 0xC3)))
      .isInstanceOf(BadFrameException.class).hasMessage("lossless JPEGs are not accepted (SOF3)");
    for (int marker : new int[] {0xC5, 0xC6, 0xC7}) {
      assertThatThrownBy(() -> JpegInfo.read(JpegTestFiles.withSofMarker(photo, marker)))
        .isInstanceOf(BadFrameException.class).hasMessage("hierarchical JPEGs are not accepted (SOF" + (marker - 0xC0) + ")");
    }
    Buffer dhp = photo.getBuffer(0, 2).appendBytes(new byte[] {(byte) 0xFF, (byte) 0xDE, 0, 2}).appendBuffer(photo, 2, photo.length() - 2);
    assertThatThrownBy(() -> JpegInfo.read(dhp))
      .isInstanceOf(BadFrameException.class).hasMessage("hierarchical JPEGs are not accepted (DHP marker)");
    assertThatThrownBy(() -> JpegInfo.read(JpegTestFiles.withPrecision(photo, 12)))
      .isInstanceOf(BadFrameException.class).hasMessage("only 8-bit JPEGs are accepted, this one has 12-bit samples");
    // SOF1 (extended sequential, 8-bit) is what some encoders write for baseline data: still accepted.
    Buffer extended = JpegTestFiles.withSofMarker(photo, 0xC1);
    assertThat(turbo.decode(extended, JpegInfo.read(extended), 1).cols()).isEqualTo(640);
  }

  private static int countPairs(Buffer jpeg, int low, int high) {
    int count = 0;
    for (int i = 0; i + 1 < jpeg.length(); i++) {
      int next = jpeg.getUnsignedByte(i + 1);
      if (jpeg.getUnsignedByte(i) == 0xFF && next >= low && next <= high) {
        count++;
      }
    }
    return count;
  }
}
