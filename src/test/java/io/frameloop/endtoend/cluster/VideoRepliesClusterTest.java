package io.frameloop.endtoend.cluster;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.ForkedNode.freePort;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameKind;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.server.Cluster;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.server.Role;
import io.frameloop.testing.ForkedNode;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.VideoChunks;
import io.frameloop.testing.Wait;
import io.frameloop.video.ColorSpace;
import io.frameloop.video.Vp8Decoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * VP8 replies through a cluster: a worker node whose JVM has no video codec at all (no bytedeco jars
 * on its class path) processes JPEG frames and sends the processed pictures back, as raw pixels
 * over the cluster wire, to the front (this JVM, no workers of its own), whose session encodes them
 * into the reply stream.
 */
class VideoRepliesClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ColorSpace REPLY = new ColorSpace("bt709", "iec61966-2-1", "bt709", true);

  private ForkedNode worker;
  private Vertx front;

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (front != null) {
      await(front.close());
    }
  }

  @Test
  void aFrontDecodesAndAWorkerWithoutVideoProcessesThePictures() throws Exception {
    int workerPort = freePort();
    int frontPort = freePort();
    String members = "127.0.0.1:" + workerPort + ",127.0.0.1:" + frontPort;
    worker = ForkedNode.startWorkerWithout("bytedeco", "remote-worker", Map.of(
      "FRAMELOOP_CLUSTER_PORT", Integer.toString(workerPort),
      "FRAMELOOP_CLUSTER_MEMBERS", members,
      "FRAMELOOP_WORKER_INSTANCES", "1"));

    FrameLoopOptions options = new FrameLoopOptions().setCluster(true).setNodeName("front");
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    options.getClusterOptions().setRole(Role.front).setClusterPort(frontPort).setClusterMembers(List.of(members.split(",")));
    options.getSessionOptions().setMaxFps(0).setStatsIntervalMs(200);
    front = await(Cluster.start(options.getClusterOptions()));
    FrameLoopVerticle verticle = FrameLoopVerticle.create(options);
    await(front.deployVerticle(verticle));

    List<Buffer> frames = List.of(Images.jpeg(VideoChunks.cameraFrame(0)), Images.jpeg(VideoChunks.cameraFrame(1)),
      Images.jpeg(VideoChunks.cameraFrame(2)));
    try (FrameClient client = FrameClient.connect(front, verticle.actualPort()); Vp8Decoder decoder = Vp8Decoder.create()) {
      client.usePipeline(new JsonObject().put("ops", ops(op("flip").put("axis", "horizontal"))).put("replyFormat", "vp8"));
      // The worker may take a moment to be announced: a frame is sent until one is answered (its chunk a key).
      Buffer first = Wait.forValue("a reply from the worker node", WAIT, Duration.ZERO, () -> {
        client.sendFramed(0, 0, frames.get(0));
        return client.pollBinary(Duration.ofSeconds(2));
      });
      InboundFrame key = FrameFormat.decode(first);
      assertThat(key.kind()).isEqualTo(FrameKind.VIDEO_KEY);
      assertFlipped(decoder.decode(key.payload(), REPLY), 0);
      for (int i = 1; i < frames.size(); i++) {
        client.sendFramed(i, 0, frames.get(i));
        InboundFrame chunk = FrameFormat.decode(client.nextBinary());
        assertThat(chunk.kind()).isEqualTo(FrameKind.VIDEO_DELTA);
        assertThat(chunk.header().sequence()).isEqualTo(i);
        assertFlipped(decoder.decode(chunk.payload(), REPLY), i);
      }
      JsonObject stats = client.nextStats(s -> s.getJsonObject("workers").getLong("remote-worker", 0L) >= frames.size()
        && s.getInteger("pending") == 0);
      assertThat(stats.getJsonObject("workers").fieldNames()).containsExactly("remote-worker");
      assertThat(stats.getJsonObject("output")).isEqualTo(new JsonObject().put("format", "vp8").put("width", 640)
        .put("height", 480));
    }
  }

  private static void assertFlipped(DecodedPicture picture, int frame) {
    Mat decoded = new Mat(picture.height(), picture.width(), CvType.CV_8UC3);
    decoded.put(0, 0, picture.bgr());
    Mat expected = VideoChunks.cameraFrame(frame);
    try {
      Core.flip(expected, expected, 1);
      assertThat(Core.PSNR(decoded, expected)).as("picture of frame %d", frame).isGreaterThan(26);
    } finally {
      decoded.release();
      expected.release();
    }
  }

}
