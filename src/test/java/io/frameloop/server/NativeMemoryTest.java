package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.image.NativeMats;
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

/** Every Mat the service allocates is released: per frame, on errors, and when it stops. */
@ExtendWith(VertxExtension.class)
class NativeMemoryTest {

  @Test
  void liveMatsReturnToTheirBaseline(Vertx vertx) {
    long beforeStart = NativeMats.live();
    FrameLoopVerticle verticle = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0)));
    Buffer photo = Images.fixture("astronaut-640x480.jpg");
    Buffer corrupt = photo.getBuffer(0, 700).appendBuffer(BadInputCorpusTest.randomBytes(new java.util.Random(9), 4000));
    JsonObject everyOp = new JsonObject().put("ops", new JsonArray()
      .add(new JsonObject().put("op", "resize").put("width", 320))
      .add(new JsonObject().put("op", "blur"))
      .add(new JsonObject().put("op", "faces"))
      .add(new JsonObject().put("op", "canny"))
      .add(new JsonObject().put("op", "gray"))
      .add(new JsonObject().put("op", "flip").put("axis", "both")));
    try (FrameClient client = FrameClient.connect(vertx, verticle.actualPort())) {
      client.setPipeline(everyOp);
      sendSequentially(client, photo, corrupt, 0, 10);
      long warm = NativeMats.live();
      sendSequentially(client, photo, corrupt, 10, 60);
      assertThat(NativeMats.live()).as("no Mat is kept per frame, errors included").isEqualTo(warm);
    }
    await(vertx.undeploy(verticle.deploymentID()));
    assertThat(NativeMats.live()).as("every worker's Mats released at undeploy").isEqualTo(beforeStart);
  }

  /** Good and corrupt frames alternately, each answered before the next is sent. */
  private static void sendSequentially(FrameClient client, Buffer good, Buffer corrupt, int from, int to) {
    for (int seq = from; seq < to; seq++) {
      client.sendFramed(seq, 0, seq % 3 == 2 ? corrupt : good);
      BadInputCorpusTest.awaitAnswer(client, seq, "frame " + seq);
    }
  }
}
