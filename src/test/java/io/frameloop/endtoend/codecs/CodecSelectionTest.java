package io.frameloop.endtoend.codecs;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.JpegCodecSetting;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** The server with each JPEG codec: auto picks SIMD libjpeg-turbo here, opencv is the fallback. */
@ExtendWith(VertxExtension.class)
class CodecSelectionTest {

  @Test
  void autoChoosesTurboJpeg(Vertx vertx) {
    FrameLoopVerticle verticle = TestServers.start(vertx, TestServers.options());
    assertThat(verticle.frameLoop().codecName()).isEqualTo("turbojpeg");
  }

  @ParameterizedTest
  @ValueSource(strings = {"opencv", "turbojpeg"})
  void eachCodecServesTheDefaultPipelineAndReducedDecoding(String codec, Vertx vertx) {
    FrameLoopVerticle verticle = TestServers.start(vertx, TestServers.options(o -> o.getWorkerOptions().setJpegCodec(JpegCodecSetting.valueOf(codec))));
    assertThat(verticle.frameLoop().codecName()).isEqualTo(codec);
    try (FrameClient client = FrameClient.connect(vertx, verticle.actualPort())) {
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      Mat mirrored = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(mirrored.cols()).isEqualTo(700);
      assertThat(Images.mean(mirrored, new Rect(380, 20, 300, 485))[2]).as("red moved right").isGreaterThan(200);

      // A 1280x720 webcam frame shrunk to 320 wide: decoded at 1/4, same result size.
      Mat hd = new Mat();
      Imgproc.resize(Images.decode(Images.leftRedRightBlue()), hd, new Size(1280, 720));
      client.usePipeline(pipeline(op("resize").put("width", 320)));
      client.sendFramed(2, 0, Images.jpeg(hd));
      Mat small = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(small.cols()).isEqualTo(320);
      assertThat(small.rows()).isEqualTo(180);
      assertThat(Images.mean(small, new Rect(10, 10, 140, 160))[2]).as("red stays left").isGreaterThan(200);

      // Hostile input gets bad_frame with either codec.
      client.sendFramed(3, 0, Images.fixture("coffee-640x480.jpg").getBuffer(0, 300));
      assertThat(client.next("error").getString("code")).isEqualTo("bad_frame");
    }
  }

  @Test
  void unknownCodecSettingIsAClearStartupError(Vertx vertx) {
    assertThatThrownBy(() -> await(FrameLoopBootstrap.deploy(vertx, new FrameLoopOptions(TestServers.options().toJson().put("jpegCodec", "mozjpeg")))))
      .hasMessageContaining("jpegCodec").hasMessageContaining("mozjpeg");
  }
}
