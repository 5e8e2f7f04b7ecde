package io.frameloop.endtoend.limits;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;

/** Issue 17's expensive-but-valid pipelines, against a real server: refused before any work, the session carries on. */
@ExtendWith(VertxExtension.class)
class FrameBudgetTest {

  @Test
  void expensivePipelinesAreRefusedWhenSetAndTheSessionKeepsItsPipeline(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertBadPipeline(client, pipeline(Collections.nCopies(1100, op("flip"))), "too many ops: 1100", "at most 16");
      assertBadPipeline(client, pipeline(op("gray"), op("resize").put("width", 8192)),
        "ops[1] (resize)", "over the image limits");
      assertBadPipeline(client, pipeline(op("faces").put("scaleFactor", 1.01)),
        "scaleFactor");
      client.sendText("{\"type\":\"pipeline\",\"ops\":[],\"quality\":4294967376}");
      JsonObject quality = client.next("error");
      assertThat(quality.getString("code")).isEqualTo("bad_pipeline");
      assertThat(quality.getString("message")).contains("quality", "4294967376");

      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(Images.decode(FrameFormat.decode(client.nextBinary()).jpeg()).cols()).as("the default pipeline").isEqualTo(700);
    }
  }

  @Test
  void aFrameThePipelineWouldBlowUpIsABadFrameAndTheNextFrameWorks(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject answer = client.setPipeline(pipeline(op("gray"), op("resize").put("width", 2048)));
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("pipeline");

      Buffer tall = Images.jpeg(Images.canvas(256, 4096, Images.BLUE, null, null));
      client.sendFramed(1, 0, tall);
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getLong("seq")).isEqualTo(1);
      assertThat(error.getString("message")).contains("2048x32768", "256x4096", "4096x4096 and 8294400 pixels");

      client.sendFramed(2, 0, Images.leftRedRightBlue());
      Mat image = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(image.cols()).isEqualTo(2048);
      assertThat(image.rows()).isEqualTo(1536);
    }
  }

  private static void assertBadPipeline(FrameClient client, JsonObject pipeline, String... fragments) {
    JsonObject answer = client.setPipeline(pipeline);
    assertThat(answer.getString("code")).as(answer.encode()).isEqualTo("bad_pipeline");
    assertThat(answer.getString("message")).contains(fragments);
  }
}
