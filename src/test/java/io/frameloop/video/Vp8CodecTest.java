package io.frameloop.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.OpenCvLoader;
import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.testing.Images;
import io.frameloop.testing.VideoChunks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The server's VP8 decoder and encoder on real camera-like frames: key and delta chunks, the size
 * in a key chunk's own header, the colour round trip against JPEG q0.8, and every codec counted
 * and released.
 */
class Vp8CodecTest {

  @BeforeAll
  static void natives() {
    OpenCvLoader.load();
    assertThat(VideoSupport.probe().unavailable()).isNull();
    assertThat(VideoSupport.probe().decode()).containsExactly("vp8");
    assertThat(VideoSupport.probe().encode()).containsExactly("vp8");
  }

  @Test
  void chunksDecodeInOrderToTheCamerasPicturesAndKeysComeWhereAsked() {
    List<EncodedChunk> chunks = VideoChunks.camera(12, VideoChunks.CANVAS, 8);
    assertThat(chunks.stream().map(EncodedChunk::key).toList())
      .containsExactly(true, false, false, false, false, false, false, false, true, false, false, false);
    assertThat(Vp8KeyFrames.isKey(chunks.get(0).data())).isTrue();
    assertThat(Vp8KeyFrames.isKey(chunks.get(1).data())).isFalse();
    assertThat(Vp8KeyFrames.width(chunks.get(0).data())).isEqualTo(640);
    assertThat(Vp8KeyFrames.height(chunks.get(0).data())).isEqualTo(480);
    // Intra frames capped: a key chunk stays a small multiple of a delta, not FFmpeg's 122 KB default.
    assertThat(chunks.get(0).data().length()).isLessThan(40_000);
    try (Vp8Decoder decoder = Vp8Decoder.create()) {
      for (int i = 0; i < chunks.size(); i++) {
        DecodedPicture picture = decoder.decode(chunks.get(i).data(), VideoChunks.CANVAS);
        assertThat(picture.width()).isEqualTo(640);
        assertThat(picture.height()).isEqualTo(480);
        // The clip's sensor noise is what 1 Mbit/s cannot keep: about 28 dB at the key, rising.
        assertThat(psnr(picture, VideoChunks.cameraFrame(i))).as("frame %d", i).isGreaterThan(26);
      }
    }
  }

  @Test
  void theColourRoundTripIsWithinAFewDbOfJpegQuality80AndTheDeclaredRangeMatters() {
    // A real photo without added noise, held still for a second: the stream settles as a camera's does.
    Mat source = Imgcodecs.imread(Images.FIXTURES.resolve("coffee-640x480.jpg").toString());
    MatOfByte encoded = new MatOfByte();
    Imgcodecs.imencode(".jpg", source, encoded, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 80));
    Mat jpeg = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_COLOR);
    double jpegPsnr = Core.PSNR(source, jpeg);
    jpeg.release();
    encoded.release();
    ColorSpace limited = new ColorSpace("bt709", "bt709", "bt709", false);
    double videoPsnr = 0;
    double mislabelled = 0;
    try (Vp8Encoder encoder = Vp8Encoder.create(640, 480, VideoChunks.CANVAS, new Vp8EncoderOptions());
         Vp8Decoder right = Vp8Decoder.create(); Vp8Decoder wrong = Vp8Decoder.create()) {
      for (int i = 0; i < 30; i++) {
        Buffer chunk = encoder.encode(source, i == 0).data();
        videoPsnr = psnr(right.decode(chunk, VideoChunks.CANVAS), source);
        mislabelled = psnr(wrong.decode(chunk, limited), source);
      }
    }
    assertThat(videoPsnr).as("VP8 at 1 Mbit/s against JPEG q0.8 (%.1f dB)", jpegPsnr).isGreaterThan(jpegPsnr - 3);
    // Read as limited range, full-range pixels gain contrast and clip: what Chromium's label costs.
    assertThat(mislabelled).as("against %.1f dB", videoPsnr).isLessThan(videoPsnr - 3);
    source.release();
  }

  @Test
  void aDecoderRefusesGarbageAndKeyHeadersAreCheckedBeforeDecoding() {
    Buffer garbage = Buffer.buffer(new byte[] {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A});
    try (Vp8Decoder decoder = Vp8Decoder.create()) {
      assertThatThrownBy(() -> decoder.decode(garbage, VideoChunks.CANVAS)).isInstanceOf(VideoDecodeException.class);
      // It lives on: the next key decodes.
      assertThat(decoder.decode(VideoChunks.camera(1, VideoChunks.CANVAS).get(0).data(), VideoChunks.CANVAS).width())
        .isEqualTo(640);
    }
    assertThatThrownBy(() -> Vp8KeyFrames.check(garbage, new ImageLimits())).hasMessageContaining("not a VP8 key frame");
    Buffer key = VideoChunks.camera(1, VideoChunks.CANVAS).get(0).data();
    assertThatThrownBy(() -> Vp8KeyFrames.check(key, new ImageLimits().setMaxWidth(320)))
      .hasMessageContaining("declares 640x480, over the image limits");
    Buffer huge = key.copy().setUnsignedShortLE(6, 16000).setUnsignedShortLE(8, 16000);
    assertThatThrownBy(() -> Vp8KeyFrames.check(huge, new ImageLimits())).hasMessageContaining("16000x16000");
  }

  @Test
  void aDecoderRefusesPicturesOverItsLimitsAndOfAnotherSizeThanDeclaredBeforeConverting() {
    Buffer key = VideoChunks.camera(1, VideoChunks.CANVAS).get(0).data();
    try (Vp8Decoder declared = Vp8Decoder.create(new ImageLimits())) {
      assertThatThrownBy(() -> declared.decode(key, VideoChunks.CANVAS, 320, 240)).isInstanceOf(VideoDecodeException.class)
        .hasMessage("the VP8 chunk decoded to 640x480, the video message declared 320x240");
      assertThat(declared.decode(key, VideoChunks.CANVAS, 640, 480).width()).isEqualTo(640);
    }
    // FFmpeg's own max_pixels: refused before it allocates for the picture.
    try (Vp8Decoder small = Vp8Decoder.create(new ImageLimits().setMaxPixels(640 * 480 - 1))) {
      assertThatThrownBy(() -> small.decode(key, VideoChunks.CANVAS)).isInstanceOf(VideoDecodeException.class);
    }
  }

  @Test
  void everyDecoderAndEncoderIsCountedAndReleased() {
    long decoders = OpenVideoCodecs.decoders();
    long encoders = OpenVideoCodecs.encoders();
    Vp8Decoder decoder = Vp8Decoder.create();
    Vp8Encoder encoder = Vp8Encoder.create(64, 48, ColorSpace.VP8_DEFAULT, new Vp8EncoderOptions());
    assertThat(OpenVideoCodecs.decoders()).isEqualTo(decoders + 1);
    assertThat(OpenVideoCodecs.encoders()).isEqualTo(encoders + 1);
    Mat small = new Mat(48, 64, CvType.CV_8UC3);
    assertThatThrownBy(() -> encoder.encode(new Mat(10, 10, CvType.CV_8UC3), true)).hasMessageContaining("64x48");
    assertThat(encoder.encode(small, true).key()).isTrue();
    small.release();
    decoder.close();
    encoder.close();
    decoder.close(); // twice is once
    assertThat(OpenVideoCodecs.decoders()).isEqualTo(decoders);
    assertThat(OpenVideoCodecs.encoders()).isEqualTo(encoders);
  }

  private static double psnr(DecodedPicture picture, Mat expected) {
    Mat decoded = new Mat(picture.height(), picture.width(), CvType.CV_8UC3);
    decoded.put(0, 0, picture.bgr());
    double psnr = Core.PSNR(decoded, expected);
    decoded.release();
    return psnr;
  }

  @Test
  void encoderOptionsReadTheirJsonStrictly() {
    Vp8EncoderOptions options = new Vp8EncoderOptions(new JsonObject().put("bitrate", 500_000).put("cpuUsed", 12));
    assertThat(options.getBitrate()).isEqualTo(500_000);
    assertThat(options.getCpuUsed()).isEqualTo(12);
    assertThat(options.getMaxIntraRate()).isEqualTo(Vp8EncoderOptions.DEFAULT_MAX_INTRA_RATE);
    assertThat(new Vp8EncoderOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    assertThatThrownBy(() -> new Vp8EncoderOptions(new JsonObject().put("cpuUsed", 20))).hasMessageContaining("cpuUsed");
    assertThatThrownBy(() -> Vp8Encoder.create(641, 480, ColorSpace.VP8_DEFAULT, options)).hasMessageContaining("even");
  }
}
