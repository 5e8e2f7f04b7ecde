package io.frameloop.endtoend.faces;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.HelloOps;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BlazeFace keeps nothing per frame: neither Mats nor native memory (ONNX Runtime's tensors are
 * made once per worker), over 2000 frames through faces and anonymize, on a server in a JVM of its
 * own whose heap is fixed (256 MiB, touched at start), so that its resident memory moves with
 * native memory only. Frames go one after the other, each as soon as the last reply is in.
 */
@ExtendWith(VertxExtension.class)
class FaceOpsMemoryTest {

  private static final long MiB = 1 << 20;

  @Test
  void liveMatsAndResidentMemoryStayFlatOver2000Frames(Vertx vertx) throws IOException {
    JsonObject pipeline = pipeline(op("resize").put("width", 700), op("flip").put("axis", "horizontal"),
      op("faces").put("keypoints", true), op("anonymize").put("style", "pixelate"), op("anonymize").put("style", "blur"));
    try (ForkedServer server = ForkedServer.start("face-ops-memory-server", "256m", Map.of("FRAMELOOP_MAX_FPS", "0",
      "FRAMELOOP_WORKER_INSTANCES", "2"), List.of("-Xms256m", "-XX:+AlwaysPreTouch"), "no-config-file.json");
         FrameClient client = FrameClient.connect(vertx, server.port())) {
      assertThat(HelloOps.find(client.hello().getJsonArray("ops"), "faces").getJsonObject("models")
        .getJsonObject("blazeface").getBoolean("available")).as("the default model is BlazeFace").isTrue();
      assertThat(client.setPipeline(pipeline).getString("type")).isEqualTo("pipeline");
      Buffer photo = Images.fixture("astronaut-640x480.jpg");
      send(client, photo, 0, 300);
      long warmMats = liveMats(server);
      long warmRss = server.residentBytes();
      send(client, photo, 300, 1300);
      long midRss = server.residentBytes();
      send(client, photo, 1300, 2300);
      long rss = server.residentBytes();
      System.out.printf("faces/anonymize over 2000 frames: RSS %d MiB after warm-up, %d after 1000 frames, %d after 2000%n",
        warmRss / MiB, midRss / MiB, rss / MiB);
      assertThat(liveMats(server)).as("no Mat kept per frame").isEqualTo(warmMats);
      // A tensor or result kept per frame would be 60 KB or more each: 120 MB over 2000 frames.
      assertThat(rss - warmRss).as("resident memory growth over " + warmRss / MiB + " MiB").isLessThan(24 * MiB);
    }
  }

  private static long liveMats(ForkedServer server) {
    return (long) Metrics.scrape(server.port()).value("frameloop_native_mats");
  }

  private static void send(FrameClient client, Buffer photo, int from, int to) {
    for (int seq = from; seq < to; seq++) {
      client.sendFramed(seq, 0, photo);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(seq);
    }
  }
}
