package io.frameloop.endtoend.cluster;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.ForkedNode.freePort;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.Cluster;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.server.Role;
import io.frameloop.testing.ForkedNode;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.VideoChunks;
import io.frameloop.testing.Wait;
import io.frameloop.video.EncodedChunk;
import io.frameloop.worker.RemotePictureFormat;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * Video through a cluster: the front (this JVM, no workers of its own) decodes the chunks and sends
 * the decoded pictures, as a q90 JPEG (the default) or raw pixels ({@code remotePictureFormat}), to a
 * worker node whose JVM has no video codec at all (no bytedeco jars on its class path); the replies
 * are the camera's pictures, and the front's {@code frameloop_remote_pictures} counts what travelled.
 */
class VideoClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

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

  @ParameterizedTest
  @EnumSource(RemotePictureFormat.class)
  void aFrontDecodesAndAWorkerWithoutVideoProcessesThePictures(RemotePictureFormat format) throws Exception {
    int workerPort = freePort();
    int frontPort = freePort();
    String members = "127.0.0.1:" + workerPort + ",127.0.0.1:" + frontPort;
    worker = ForkedNode.startWorkerWithout("bytedeco", "remote-worker", Map.of(
      "FRAMELOOP_CLUSTER_PORT", Integer.toString(workerPort),
      "FRAMELOOP_CLUSTER_MEMBERS", members,
      "FRAMELOOP_WORKER_INSTANCES", "1"));

    FrameLoopOptions options = new FrameLoopOptions().setCluster(true).setNodeName("front");
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    options.getClusterOptions().setRemotePictureFormat(format).setRole(Role.front).setClusterPort(frontPort).setClusterMembers(List.of(members.split(",")));
    options.getSessionOptions().setMaxFps(0).setStatsIntervalMs(200);
    front = await(Cluster.start(options.getClusterOptions()));
    FrameLoopVerticle verticle = FrameLoopVerticle.create(options);
    await(front.deployVerticle(verticle));

    List<EncodedChunk> chunks = VideoChunks.camera(5, VideoChunks.CANVAS);
    try (FrameClient client = FrameClient.connect(front, verticle.actualPort())) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
      assertThat(client.next("video").getInteger("width")).isEqualTo(640);
      // The worker may take a moment to be announced: the first chunk is sent again until it is answered.
      Wait.until("a reply from the worker node", WAIT, Duration.ZERO, () -> {
        client.sendBinary(VideoChunks.message(0, 0, chunks.get(0)));
        return client.pollBinary(Duration.ofSeconds(2)) != null;
      });
      // The deltas that follow the key: decoded on the front, processed on the worker.
      for (int i = 1; i < chunks.size(); i++) {
        client.sendBinary(VideoChunks.message(i, 0, chunks.get(i)));
        Mat reply = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
        Mat expected = VideoChunks.cameraFrame(i);
        try {
          assertThat(reply.cols()).isEqualTo(640);
          assertThat(reply.rows()).isEqualTo(480);
          assertThat(Core.PSNR(reply, expected)).as("reply to chunk %d", i).isGreaterThan(25);
        } finally {
          reply.release();
          expected.release();
        }
      }
      JsonObject stats = client.nextStats(s -> s.getJsonObject("workers").getLong("remote-worker", 0L) >= chunks.size()
        && s.getInteger("pending") == 0);
      assertThat(stats.getJsonObject("workers").fieldNames()).containsExactly("remote-worker");
      assertThat(stats.getJsonObject("input").getString("format")).isEqualTo("vp8");
      RemotePictureFormat other = format == RemotePictureFormat.raw ? RemotePictureFormat.jpeg : RemotePictureFormat.raw;
      Metrics metrics = Metrics.scrape(verticle.actualPort());
      assertThat(metrics.value("frameloop_remote_pictures{format=\"" + format + "\"}"))
        .as("pictures sent as %s", format).isGreaterThanOrEqualTo(chunks.size());
      assertThat(metrics.value("frameloop_remote_pictures{format=\"" + other + "\"}")).as("sent as %s", other).isZero();
    }
  }

}
