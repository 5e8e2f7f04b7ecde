package io.frameloop.pipeline.ops;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the server echoes back for the face ops, in {@code hello} and in {@code pipeline}: the model
 * it chose, named, and that model's parameters only; the other model's are left out even when the
 * client sent them. The echoed op still processes a real frame.
 */
@ExtendWith(VertxExtension.class)
class FaceParamsEchoTest {

  private static final Buffer ASTRONAUT = Images.fixture("astronaut-640x480.jpg");

  @Test
  void helloEchoesTheConfiguredBlazeFacePipelineWithBlazeFacesParametersOnly(Vertx vertx) {
    JsonObject configured = pipeline(op("faces").put("keypoints", true)).put("quality", 90);
    int port = TestServers.start(vertx, TestServers.options(o -> o.setPipeline(configured))).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject faces = client.hello().getJsonArray("pipeline").getJsonObject(0);
      assertThat(faces.getMap()).containsOnlyKeys("op", "model", "minScore", "keypoints");
      assertThat(faces.getString("model")).isEqualTo("blazeface");
      assertThat(faces.getDouble("minScore")).isEqualTo(0.75);
      assertThat(faces.getBoolean("keypoints")).isTrue();
      client.sendFramed(1, 0, ASTRONAUT);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  @Test
  void eachModelsPipelineCarriesOnlyItsOwnParameters(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject blazeFace = echoed(client, op("faces").put("minNeighbors", 9).put("minScore", 0.5));
      assertThat(blazeFace.getMap()).containsOnlyKeys("op", "model", "minScore", "keypoints");
      assertThat(blazeFace.getString("model")).as("the default model, named").isEqualTo("blazeface");
      assertThat(blazeFace.getDouble("minScore")).isEqualTo(0.5);
      assertProcesses(client, 1);

      JsonObject haar = echoed(client, op("faces").put("model", "haar").put("keypoints", true).put("minSize", 40));
      assertThat(haar.getMap()).as("keypoints are BlazeFace's").containsOnlyKeys("op", "model", "scaleFactor", "minNeighbors", "minSize");
      assertThat(haar.getInteger("minSize")).isEqualTo(40);
      assertThat(haar.getInteger("minNeighbors")).isEqualTo(5);
      assertProcesses(client, 2);

      JsonObject anonymize = echoed(client, op("anonymize").put("model", "blazeface").put("scaleFactor", 1.3));
      assertThat(anonymize.getMap()).containsOnlyKeys("op", "model", "minScore", "style", "padding");
      assertThat(anonymize.getString("style")).isEqualTo("blur");
      assertProcesses(client, 3);

      JsonObject anonymizeHaar = echoed(client, op("anonymize").put("model", "haar").put("minScore", 0.9));
      assertThat(anonymizeHaar.getMap()).containsOnlyKeys("op", "model", "scaleFactor", "minNeighbors", "minSize", "style", "padding");
      assertProcesses(client, 4);
    }
  }

  /** The op as the server echoes it back when the session sets a pipeline of {@code op} alone. */
  private static JsonObject echoed(FrameClient client, JsonObject op) {
    JsonArray ops = client.usePipeline(pipeline(op).put("quality", 90)).getJsonArray("ops");
    assertThat(ops).hasSize(1);
    return ops.getJsonObject(0);
  }

  private static void assertProcesses(FrameClient client, long sequence) {
    client.sendFramed(sequence, 0, ASTRONAUT);
    assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(sequence);
  }
}
