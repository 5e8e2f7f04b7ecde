package io.frameloop.endtoend.frames;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.HelloOps;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

/** The default pipeline over a real WebSocket: framed and bare frames, hello, drop policy, bad frames. */
@ExtendWith(VertxExtension.class)
class FrameRoundTripTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options()).actualPort();
  }

  @Test
  void helloDescribesOpsPipelineAndLimits(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject hello = client.hello();
      assertThat(hello.getInteger("version")).isEqualTo(1);
      List<String> ops = new ArrayList<>();
      hello.getJsonArray("ops").forEach(op -> ops.add(((JsonObject) op).getString("op")));
      assertThat(ops).contains("resize", "flip", "gray", "blur", "canny", "faces", "invert");
      JsonObject blur = HelloOps.find(hello.getJsonArray("ops"), "blur");
      assertThat(blur.getJsonArray("params").getJsonObject(0).getInteger("default")).isEqualTo(9);
      assertThat(hello.getJsonArray("pipeline")).isEqualTo(ops(op("resize").put("width", 700), op("flip").put("axis", "horizontal")));
      assertThat(hello.getInteger("quality")).isEqualTo(80);
      assertThat(hello.getJsonObject("limits").getInteger("maxMessageBytes")).isPositive();
    }
  }

  @Test
  void framedFrameComesBackResizedAndMirroredWithItsHeader(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendFramed(4_000_000_000L, -123456789L, Images.leftRedRightBlue());
      InboundFrame reply = FrameFormat.decode(client.nextBinary());

      assertThat(reply.header()).isNotNull();
      assertThat(reply.header().sequence()).isEqualTo(4_000_000_000L);
      assertThat(reply.header().timestamp()).isEqualTo(-123456789L);
      assertMirroredAt700(reply.jpeg());
    }
  }

  @Test
  void bareFrameGetsABareReply(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendBinary(Images.leftRedRightBlue());
      Buffer reply = client.nextBinary();

      assertThat((int) reply.getUnsignedByte(0)).isEqualTo(0xFF);
      assertThat((int) reply.getUnsignedByte(1)).isEqualTo(0xD8);
      assertMirroredAt700(reply);
    }
  }

  @Test
  void realPhotoComesBackAt700x525(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendFramed(1, 0, Images.fixture("coffee-640x480.jpg"));
      Mat image = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(image.cols()).isEqualTo(700);
      assertThat(image.rows()).isEqualTo(525);
      image.release();
    }
  }

  @Test
  void corruptFrameGetsBadFrameAndTheNextFrameIsProcessed(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      Buffer good = Images.leftRedRightBlue();
      Buffer corrupt = good.getBuffer(0, 2).appendBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
      client.sendFramed(7, 0, corrupt);
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getLong("seq")).isEqualTo(7L);
      assertThat(error.getString("message")).isNotBlank();

      client.sendFramed(8, 0, good);
      InboundFrame reply = FrameFormat.decode(client.nextBinary());
      assertThat(reply.header().sequence()).isEqualTo(8L);
      assertMirroredAt700(reply.jpeg());
    }
  }

  @Test
  void messageThatIsNoFrameGetsBadFrame(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendBinary(Buffer.buffer("GIF89a not a jpeg"));
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getString("message")).contains("FF D8").contains("47 49 46 38");
      assertThat(error.containsKey("seq")).isFalse();
    }
  }

  @Test
  void burstOfFiftyFramesDropsStaleOnesAndKeepsOrder(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      Buffer frame = Images.fixture("coffee-640x480.jpg");
      for (int seq = 1; seq <= 50; seq++) {
        client.sendFramed(seq, System.nanoTime(), frame);
      }
      JsonObject stats = client.quietStats(50);
      List<Long> sequences = new ArrayList<>();
      Buffer reply;
      while ((reply = client.pollBinary(Duration.ofMillis(100))) != null) {
        sequences.add(FrameFormat.decode(reply).header().sequence());
      }

      assertThat(sequences).isNotEmpty().hasSizeLessThan(50).isSorted().doesNotHaveDuplicates();
      // The newest frame always wins: the last one sent is answered.
      assertThat(sequences.get(sequences.size() - 1)).isEqualTo(50L);
      assertThat(stats.getLong("out")).isEqualTo(sequences.size());
      assertThat(stats.getJsonObject("dropped").getLong("stale")).isPositive();
      assertThat(stats.getLong("in"))
        .isEqualTo(stats.getLong("out") + stats.getLong("droppedTotal") + stats.getLong("errors"));
    }
  }

  @Test
  void perFrameTimingsComeWithStatsWhenAskedFor(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertThat(client.next("stats").containsKey("timings")).isFalse();
      client.sendJson(new JsonObject().put("type", "timings").put("enabled", "yes"));
      assertThat(client.next("error").getString("code")).isEqualTo("bad_message");
      client.sendJson(new JsonObject().put("type", "timings").put("enabled", true));
      assertThat(client.next("timings").getBoolean("enabled")).isTrue();
      client.sendFramed(41, 0, Images.leftRedRightBlue());
      client.nextBinary();
      JsonObject stats = client.nextStats(s -> s.getJsonArray("timings", new JsonArray()).size() > 0);
      JsonArray timing = stats.getJsonArray("timings").getJsonArray(0);
      assertThat(timing.getLong(0)).isEqualTo(41);
      assertThat(timing.getLong(1)).as("processing µs").isPositive();
      assertThat(timing.getLong(2)).as("queue-wait µs").isNotNegative();
    }
  }

  private static void assertMirroredAt700(Buffer jpeg) {
    Mat image = Images.decode(jpeg);
    try {
      assertThat(image.cols()).isEqualTo(700);
      assertThat(image.rows()).isEqualTo(525);
      // Sent: red on the left, blue on the right. Mirrored: blue on the left, red on the right.
      double[] left = Images.mean(image, new Rect(20, 20, 300, 485));
      double[] right = Images.mean(image, new Rect(380, 20, 300, 485));
      assertThat(left[0]).as("blue in the left half").isGreaterThan(200);
      assertThat(left[2]).as("red in the left half").isLessThan(50);
      assertThat(right[2]).as("red in the right half").isGreaterThan(200);
      assertThat(right[0]).as("blue in the right half").isLessThan(50);
    } finally {
      image.release();
    }
  }
}
