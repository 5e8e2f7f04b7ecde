package io.frameloop.endtoend.nativememory;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.image.NativeMats;
import io.frameloop.inference.OnnxModel;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every Mat (and ONNX Runtime session) the service allocates is released: per frame, on errors, and when it stops. */
@ExtendWith(VertxExtension.class)
class NativeMemoryTest {

  @Test
  void liveMatsReturnToTheirBaseline(Vertx vertx) {
    long beforeStart = NativeMats.live();
    int modelsBefore = OnnxModel.openModels();
    FrameLoopVerticle verticle = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0)));
    Buffer photo = Images.fixture("astronaut-640x480.jpg");
    // Every header check passes; the decoder itself fails, after the worker has set up for the frame.
    Buffer corrupt = withUndefinedHuffmanTables(photo);
    JsonObject everyOp = pipeline(op("resize").put("width", 320), op("blur"), op("faces"), op("canny"), op("gray"), op("flip").put("axis", "both"));
    try (FrameClient client = FrameClient.connect(vertx, verticle.actualPort())) {
      assertThat(client.setPipeline(everyOp).getString("type")).isEqualTo("pipeline");
      client.sendFramed(0, 0, corrupt);
      JsonObject refused = client.next("error");
      assertThat(refused.getString("code")).isEqualTo("bad_frame");
      assertThat(refused.getString("message")).as("refused by the decoder, not before it").startsWith("could not decode the JPEG: ");
      sendSequentially(client, photo, corrupt, 1, 10);
      long warm = NativeMats.live();
      sendSequentially(client, photo, corrupt, 10, 60);
      assertThat(NativeMats.live()).as("no Mat is kept per frame, errors included").isEqualTo(warm);
      assertThat(OnnxModel.openModels() - modelsBefore).as("faces' BlazeFace session, one per worker that ran frames (of 2)").isBetween(1, 2);
    }
    await(vertx.undeploy(verticle.deploymentID()));
    assertThat(NativeMats.live()).as("every worker's Mats released at undeploy").isEqualTo(beforeStart);
    assertThat(OnnxModel.openModels()).as("every worker's ONNX Runtime sessions closed at undeploy").isEqualTo(modelsBefore);
  }

  /** A copy of a JPEG whose scan uses Huffman tables 3, which the file never defines. */
  private static Buffer withUndefinedHuffmanTables(Buffer jpeg) {
    Buffer copy = jpeg.copy();
    int pos = 2;
    while (copy.getUnsignedByte(pos + 1) != 0xDA) {
      pos += 2 + copy.getUnsignedShort(pos + 2);
    }
    int components = copy.getUnsignedByte(pos + 4);
    for (int i = 0; i < components; i++) {
      copy.setUnsignedByte(pos + 6 + 2 * i, (short) 0x33);
    }
    return copy;
  }

  /** Good and corrupt frames alternately, each answered before the next is sent. */
  private static void sendSequentially(FrameClient client, Buffer goodFrame, Buffer corrupt, int from, int to) {
    for (int seq = from; seq < to; seq++) {
      boolean good = seq % 3 != 2;
      client.sendFramed(seq, 0, good ? goodFrame : corrupt);
      assertThat(client.awaitAnswer(seq, "frame " + seq)).as("frame %d processed", seq).isEqualTo(good);
    }
  }
}
