package io.frameloop.endtoend.video;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.testing.Wait;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.OpenVideoCodecs;
import io.frameloop.video.Vp8Encoder;
import io.frameloop.video.Vp8EncoderOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * VP8 video in, processed JPEG out, over a real WebSocket to a real server, with real chunks of the
 * camera clip made by the server's own encoder: the video message, the decode at the camera's size,
 * keyframe recovery after a dropped delta, and the counts.
 */
@ExtendWith(VertxExtension.class)
class VideoIngestTest {

  /** Chunks of the clip, keys at 0 and 8. */
  private static List<EncodedChunk> chunks;
  private int port;

  @BeforeAll
  static void encode() {
    chunks = VideoChunks.camera(12, VideoChunks.CANVAS, 8);
  }

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options()).actualPort();
  }

  @Test
  void helloSaysVp8AndTheVideoMessageIsEchoedWithItsDefaults(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertThat(client.hello().getJsonObject("video")).isEqualTo(new JsonObject()
        .put("decode", new JsonArray().add("vp8")).put("encode", new JsonArray().add("vp8")));
      client.sendJson(new JsonObject().put("type", "video").put("codec", "vp8").put("width", 640).put("height", 480)
        .put("colorSpace", new JsonObject().put("matrix", "bt709").put("fullRange", true)));
      assertThat(client.nextOf("video", "error")).isEqualTo(new JsonObject().put("type", "video").put("codec", "vp8")
        .put("width", 640).put("height", 480).put("colorSpace", new JsonObject().put("primaries", "smpte170m")
          .put("transfer", "smpte170m").put("matrix", "bt709").put("fullRange", true)));
    }
  }

  @Test
  void videoChunksComeBackAsProcessedJpegsAtTheCamerasSize(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      configure(client);
      for (int i = 0; i < 6; i++) {
        send(client, i);
        assertReplyLooksLike(client, i);
      }
      JsonObject stats = client.quietStats(6);
      assertThat(stats.getLong("out")).isEqualTo(6);
      assertThat(stats.getJsonObject("input")).isEqualTo(new JsonObject().put("format", "vp8").put("width", 640).put("height", 480));
      assertThat(stats.getJsonObject("output")).isEqualTo(new JsonObject().put("format", "jpeg").put("width", 640).put("height", 480));
      assertCountsAddUp(stats);
    }
  }

  @Test
  void aChunksDecodeStageIncludesItsVideoDecode(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      client.sendJson(new JsonObject().put("type", "timings").put("enabled", true));
      client.next("timings");
      configure(client);
      send(client, 0);
      client.nextBinary();
      JsonObject stats = client.nextStats(s -> s.containsKey("timings") && !s.getJsonArray("timings").isEmpty());
      JsonArray timing = stats.getJsonArray("timings").getJsonArray(0);
      long processing = timing.getLong(1);
      long decode = timing.getLong(3);
      long encode = timing.getLong(4);
      assertThat(timing.getLong(0)).isZero();
      // The VP8 decode and colour conversion ran before the worker: they are in the decode stage and the processing time.
      assertThat(decode).isPositive();
      assertThat(decode + encode + timing.getLong(6)).as(timing.encode()).isLessThanOrEqualTo(processing + 1);
    }
  }

  @Test
  void aChunksResultsAreInTheDecodedPicturesPixels(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops(op("resize").put("width", 320)))
        .put("reply", "both"));
      configure(client);
      send(client, 0);
      JsonObject results = client.next("results");
      assertThat(results.getLong("seq")).isZero();
      assertThat(results.getLong("timestamp")).isEqualTo(1000);
      assertThat(results.getInteger("width")).as("the frame as sent: the camera's").isEqualTo(640);
      assertThat(results.getInteger("height")).isEqualTo(480);
      Mat reply = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(reply.cols()).isEqualTo(320);
      reply.release();
    }
  }

  @Test
  void theDefaultPipelineRunsOnTheDecodedPicture(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      configure(client);
      send(client, 0);
      Mat reply = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(reply.cols()).isEqualTo(700); // resize to 700 wide, flipped
      assertThat(reply.rows()).isEqualTo(525);
      reply.release();
      JsonObject stats = client.quietStats(1);
      assertThat(stats.getJsonObject("input").getString("format")).isEqualTo("vp8");
      assertThat(stats.getJsonObject("output").getInteger("width")).isEqualTo(700);
    }
  }

  @Test
  void aDroppedDeltaMakesTheServerAskForAKeyAndThePictureRecovers(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      configure(client);
      for (int i = 0; i < 5; i++) {
        send(client, i);
        assertReplyLooksLike(client, i);
      }
      // Chunk 5 is lost on the way: 6 shows the gap, 7 still waits for a key.
      send(client, 6);
      JsonObject request = client.next("keyframe");
      assertThat(request).isEqualTo(new JsonObject().put("type", "keyframe").put("reason", "gap").put("seq", 6L));
      send(client, 7);
      JsonObject waiting = client.quietStats(7);
      assertThat(waiting.getJsonObject("dropped").getLong("awaiting_key")).isEqualTo(2);
      // The client's key: decoded, and the deltas after it too.
      send(client, 8);
      assertReplyLooksLike(client, 8);
      send(client, 9);
      assertReplyLooksLike(client, 9);
      JsonObject stats = client.quietStats(9);
      assertThat(stats.getLong("out")).isEqualTo(7);
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key")).isEqualTo(2);
      assertThat(stats.getLong("errors")).isZero();
      assertCountsAddUp(stats);
    }
  }

  @Test
  void aKeyRequestComesAgainAfterTheMeasuredRoundTripNotAfterAFixedHalfSecond(Vertx vertx) throws Exception {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      configure(client);
      send(client, 0);
      assertReplyLooksLike(client, 0);
      send(client, 2); // 1 lost
      assertThat(client.next("keyframe").getString("reason")).isEqualTo("gap");
      // Answered at once: the session measures a loopback round trip (a few ms, so its 50 ms floor).
      client.sendBinary(VideoChunks.message(3, 1003, chunks.get(0)));
      assertReplyLooksLike(client, 0);
      client.sendBinary(VideoChunks.message(5, 1005, chunks.get(1))); // 4 lost: asked at once, a key came since
      assertThat(client.next("keyframe")).isEqualTo(new JsonObject().put("type", "keyframe").put("reason", "gap")
        .put("seq", 5L));
      // Unanswered, 300 ms on: more than the measured round trip, less than the old fixed 500 ms.
      Thread.sleep(300);
      client.sendBinary(VideoChunks.message(6, 1006, chunks.get(2)));
      assertThat(client.next("keyframe")).isEqualTo(new JsonObject().put("type", "keyframe").put("reason", "gap")
        .put("seq", 6L));
      JsonObject stats = client.quietStats(5); // chunks 0, 2, 3, 5 and 6 came
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key")).isEqualTo(3);
      assertCountsAddUp(stats);
    }
  }

  @Test
  void aDeltaBeforeAnyKeyIsDiscardedAndTheKeyIsAskedFor(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      configure(client);
      send(client, 1);
      assertThat(client.next("keyframe")).isEqualTo(new JsonObject().put("type", "keyframe").put("reason", "no_key")
        .put("seq", 1L));
      client.sendBinary(VideoChunks.message(2, 0, chunks.get(0)));
      assertReplyLooksLike(client, 0);
      JsonObject stats = client.quietStats(2);
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key")).isEqualTo(1);
      assertCountsAddUp(stats);
    }
  }

  @Test
  void aReconfiguredStreamStartsAtItsKeyAndItsPicturesHaveTheNewSize(Vertx vertx) {
    List<EncodedChunk> small = new ArrayList<>();
    try (Vp8Encoder encoder = Vp8Encoder.create(320, 240, VideoChunks.CANVAS, new Vp8EncoderOptions())) {
      for (int i = 0; i < 3; i++) {
        Mat frame = VideoChunks.cameraFrame(i);
        Mat half = new Mat();
        Imgproc.resize(frame, half, new Size(320, 240), 0, 0, Imgproc.INTER_AREA);
        small.add(encoder.encode(half, i == 0));
        frame.release();
        half.release();
      }
    }
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      configure(client);
      send(client, 0);
      assertReplyLooksLike(client, 0);
      client.sendJson(VideoChunks.config(320, 240, VideoChunks.CANVAS));
      assertThat(client.next("video").getInteger("width")).isEqualTo(320);
      // A delta of the old stream after the reconfigure: the new stream starts at a key.
      send(client, 1);
      assertThat(client.next("keyframe").getString("reason")).isEqualTo("no_key");
      for (int i = 0; i < small.size(); i++) {
        client.sendBinary(VideoChunks.message(2 + i, 0, small.get(i)));
        Mat picture = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
        assertThat(picture.cols()).isEqualTo(320);
        assertThat(picture.rows()).isEqualTo(240);
        picture.release();
      }
      JsonObject stats = client.quietStats(5);
      assertThat(stats.getJsonObject("input")).isEqualTo(new JsonObject().put("format", "vp8").put("width", 320).put("height", 240));
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key")).isEqualTo(1);
      assertCountsAddUp(stats);
    }
  }

  @Test
  void decodersAreReleasedWhenSessionsEnd(Vertx vertx) {
    long before = OpenVideoCodecs.decoders();
    for (int session = 0; session < 3; session++) {
      try (FrameClient client = FrameClient.connect(vertx, port)) {
        client.usePipeline(new JsonObject().put("ops", ops()));
        configure(client);
        send(client, 0);
        client.nextBinary();
        assertThat(OpenVideoCodecs.decoders()).isGreaterThan(before);
      }
    }
    Wait.until("the sessions' decoders to be closed", () -> OpenVideoCodecs.decoders() == before);
  }

  private static void configure(FrameClient client) {
    client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
    assertThat(client.nextOf("video", "error").getString("type")).isEqualTo("video");
  }

  private static void send(FrameClient client, int index) {
    client.sendBinary(VideoChunks.message(index, 1000 + index, chunks.get(index)));
  }

  /** The next reply is a 640x480 JPEG close to frame {@code index} of the clip. */
  private static void assertReplyLooksLike(FrameClient client, int index) {
    InboundFrame reply = FrameFormat.decode(client.nextBinary());
    Mat picture = Images.decode(reply.jpeg());
    Mat expected = VideoChunks.cameraFrame(index);
    try {
      assertThat(picture.cols()).isEqualTo(640);
      assertThat(picture.rows()).isEqualTo(480);
      assertThat(Core.PSNR(picture, expected)).as("reply to chunk %d", index).isGreaterThan(25);
    } finally {
      picture.release();
      expected.release();
    }
  }

  static void assertCountsAddUp(JsonObject stats) {
    assertThat(stats.getLong("in")).as(stats.encode()).isEqualTo(stats.getLong("out") + stats.getLong("droppedTotal")
      + stats.getLong("errors") + stats.getInteger("pending"));
  }
}
