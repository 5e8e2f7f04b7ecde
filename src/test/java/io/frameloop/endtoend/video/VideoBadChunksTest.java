package io.frameloop.endtoend.video;

import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.testing.Wait;
import io.frameloop.video.EncodedChunk;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;

/**
 * Hostile and broken video: every bad chunk and bad {@code video} message gets a clear error, the
 * counts add up, and the session goes on decoding its stream.
 */
@ExtendWith(VertxExtension.class)
class VideoBadChunksTest {

  private static List<EncodedChunk> chunks;
  private int port;

  @BeforeAll
  static void encode() {
    chunks = VideoChunks.camera(4, VideoChunks.CANVAS);
  }

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options()).actualPort();
  }

  @Test
  void garbageFlaggedAsAKeyIsRefusedBeforeDecodingAndTheStreamGoesOn(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      client.sendBinary(VideoChunks.message(0, true, Buffer.buffer("not a video chunk at all")));
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getLong("seq")).isZero();
      assertThat(error.getString("message")).contains("not a VP8 key frame");
      assertThat(client.next("keyframe").getString("reason")).isEqualTo("decode_error");
      client.sendBinary(VideoChunks.message(1, 0, chunks.get(0)));
      assertPicture(client);
      VideoIngestTest.assertCountsAddUp(client.quietStats(2));
    }
  }

  @Test
  void aKeyChunkTheDecoderRefusesIsAnErrorAndTheNextKeyDecodes(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      // A real key chunk's header, its data cut short.
      client.sendBinary(VideoChunks.message(0, true, chunks.get(0).data().slice(0, 40)));
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getString("message")).contains("VP8");
      assertThat(client.next("keyframe").getString("reason")).isEqualTo("decode_error");
      client.sendBinary(VideoChunks.message(1, 0, chunks.get(0)));
      assertPicture(client);
      JsonObject stats = client.quietStats(2);
      assertThat(stats.getLong("errors")).isEqualTo(1);
      VideoIngestTest.assertCountsAddUp(stats);
    }
  }

  @Test
  void aKeyChunkDeclaringASizeOverTheLimitsIsRefusedBeforeDecoding(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      Buffer huge = chunks.get(0).data().copy().setUnsignedShortLE(6, 5000).setUnsignedShortLE(8, 5000);
      client.sendBinary(VideoChunks.message(0, true, huge));
      JsonObject error = client.next("error");
      assertThat(error.getString("message")).contains("declares 5000x5000, over the image limits of 4096x4096");
      client.sendBinary(VideoChunks.message(1, 0, chunks.get(0)));
      assertPicture(client);
    }
  }

  @Test
  void aKeyFramePayloadFlaggedAsADeltaIsRefusedBeforeDecodingWhateverSizeItDeclares(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      client.sendBinary(VideoChunks.message(0, 0, chunks.get(0)));
      assertPicture(client);
      // The decoder goes by the payload's own frame tag: a key sent with flags 0x01, at the stream's size and far over it.
      Buffer huge = chunks.get(0).data().copy().setUnsignedShortLE(6, 6000).setUnsignedShortLE(8, 6000);
      List<Buffer> disguised = List.of(chunks.get(0).data(), huge);
      for (int i = 0; i < disguised.size(); i++) {
        client.sendBinary(VideoChunks.message(1 + i, false, disguised.get(i)));
        JsonObject error = client.next("error");
        assertThat(error.getString("code")).isEqualTo("bad_frame");
        assertThat(error.getLong("seq")).isEqualTo(1 + i);
        assertThat(error.getString("message")).contains("is a VP8 key frame").contains("header flags say delta");
        if (i == 0) {
          assertThat(client.next("keyframe").getString("reason")).isEqualTo("decode_error");
        }
      }
      assertThat(client.pollBinary(Duration.ofMillis(300))).as("no picture of a refused chunk").isNull();
      client.sendBinary(VideoChunks.message(3, 0, chunks.get(0)));
      assertPicture(client);
      JsonObject stats = client.quietStats(4);
      assertThat(stats.getLong("errors")).isEqualTo(2);
      VideoIngestTest.assertCountsAddUp(stats);
    }
  }

  @Test
  void aChunkShorterThanAFrameTagIsRefusedAndTheStreamGoesOn(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      client.sendBinary(VideoChunks.message(0, 0, chunks.get(0)));
      assertPicture(client);
      client.sendBinary(VideoChunks.message(1, false, Buffer.buffer(new byte[] {0x01, 0x00})));
      JsonObject error = client.next("error");
      assertThat(error.getString("message")).contains("2 bytes is shorter than a VP8 frame tag (3 bytes)");
      client.sendBinary(VideoChunks.message(2, 0, chunks.get(0)));
      assertPicture(client);
      client.sendBinary(VideoChunks.message(3, 0, chunks.get(1)));
      assertPicture(client);
      VideoIngestTest.assertCountsAddUp(client.quietStats(4));
    }
  }

  @Test
  void aKeyChunkOfAnotherSizeThanTheDeclaredOneIsRefusedBeforeDecoding(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      Buffer larger = chunks.get(0).data().copy().setUnsignedShortLE(6, 1280).setUnsignedShortLE(8, 960);
      client.sendBinary(VideoChunks.message(0, true, larger));
      JsonObject error = client.next("error");
      assertThat(error.getString("message")).isEqualTo("the key chunk is 1280x960, the video message declared 640x480:"
        + " send a video message with the new size before its first key chunk");
      assertThat(client.next("keyframe").getString("reason")).isEqualTo("decode_error");
      client.sendBinary(VideoChunks.message(1, 0, chunks.get(0)));
      assertPicture(client);
    }
  }

  @Test
  void badVideoMessagesGetBadVideoAndKeepTheStreamAsItWas(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      client.sendBinary(VideoChunks.message(0, 0, chunks.get(0)));
      assertPicture(client);
      client.sendJson(VideoChunks.config(8000, 8000, VideoChunks.CANVAS));
      assertBadVideo(client, "8000x8000 is over the image limits");
      client.sendJson(VideoChunks.config(VideoChunks.CANVAS).put("codec", "h264"));
      assertBadVideo(client, "codec 'h264' is not one this server decodes");
      client.sendJson(VideoChunks.config(VideoChunks.CANVAS).put("width", -1));
      assertBadVideo(client, "'width' must be a positive integer");
      client.sendJson(VideoChunks.config(VideoChunks.CANVAS).put("colorSpace", new JsonObject().put("matrix", "rgb")));
      assertBadVideo(client, "colorSpace.matrix 'rgb'");
      // The stream as it was: the next delta decodes.
      client.sendBinary(VideoChunks.message(1, 0, chunks.get(1)));
      assertPicture(client);
      JsonObject stats = client.quietStats(2);
      assertThat(stats.getLong("errors")).as("bad_video is about a message, not a frame").isZero();
      VideoIngestTest.assertCountsAddUp(stats);
    }
  }

  @Test
  void aChunkBeforeAnyVideoMessageOrOverTheChunkLimitIsRefused(Vertx vertx) {
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendBinary(VideoChunks.message(0, 0, chunks.get(0)));
      assertThat(client.next("error").getString("message")).contains("before any video message");
      client.sendJson(VideoChunks.config(64, 64, VideoChunks.CANVAS));
      assertThat(client.next("video").getInteger("width")).isEqualTo(64);
      client.sendBinary(VideoChunks.message(1, true, Buffer.buffer(new byte[70_000])));
      assertThat(client.next("error").getString("message")).contains("70000 bytes is over the limit of 65536 for a 64x64 stream");
      VideoIngestTest.assertCountsAddUp(client.quietStats(2));
    }
  }

  @Test
  void thousandsOfTinyChunksAreCountedAndTheSessionLivesOn(Vertx vertx) {
    try (FrameClient client = session(vertx)) {
      client.sendBinary(VideoChunks.message(0, 0, chunks.get(0)));
      assertPicture(client);
      int flood = 3000;
      for (int i = 1; i <= flood; i++) {
        client.sendBinary(VideoChunks.message(i, false, Buffer.buffer(new byte[] {0x01, 0x00, 0x00})));
      }
      int requests = 0;
      JsonObject stats;
      while (true) {
        JsonObject message = client.nextOf("keyframe", "stats");
        if ("keyframe".equals(message.getString("type"))) {
          requests++;
        } else if (message.getLong("in") == flood + 1 && message.getInteger("pending") == 0) {
          stats = message;
          break;
        }
      }
      VideoIngestTest.assertCountsAddUp(stats);
      assertThat(stats.getJsonObject("dropped").getLong("rate_limited")).isPositive();
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key")).isPositive();
      assertThat(requests).as("keyframe requests for %d chunks", flood).isPositive().isLessThan(flood / 20);
      // A key chunk (sent again while the rate limit still refuses it) brings the pictures back.
      long[] sequence = {flood + 1};
      Wait.until("a picture after the flood", () -> {
        client.sendBinary(VideoChunks.message(sequence[0]++, 0, chunks.get(0)));
        return client.pollBinary(Duration.ofMillis(200)) != null;
      });
    }
  }

  private FrameClient session(Vertx vertx) {
    return session(vertx, port);
  }

  static FrameClient session(Vertx vertx, int port) {
    FrameClient client = FrameClient.connect(vertx, port);
    client.usePipeline(new JsonObject().put("ops", ops()));
    client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
    assertThat(client.nextOf("video", "error").getString("type")).isEqualTo("video");
    return client;
  }

  private static void assertBadVideo(FrameClient client, String message) {
    JsonObject error = client.nextOf("video", "error");
    assertThat(error.getString("code")).isEqualTo("bad_video");
    assertThat(error.getString("message")).contains(message);
  }

  static void assertPicture(FrameClient client) {
    Mat picture = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
    assertThat(picture.cols()).isEqualTo(640);
    assertThat(picture.rows()).isEqualTo(480);
    picture.release();
  }
}
