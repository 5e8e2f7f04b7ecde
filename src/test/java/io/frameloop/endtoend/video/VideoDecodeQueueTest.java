package io.frameloop.endtoend.video;

import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The session's decode queue when chunks come faster than the decoder: chunks sent in one write
 * reach the server in one read, so they are all queued before the first one is decoded. A key
 * chunk arriving at a full queue replaces the deltas before it; a key queued behind a chunk that
 * fails to decode restarts the stream by itself. Neither asks the client for another key.
 */
@ExtendWith(VertxExtension.class)
class VideoDecodeQueueTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
  }

  @Test
  void aKeyArrivingAtAFullQueueReplacesTheQueuedDeltasAndIsDecoded() throws IOException {
    List<EncodedChunk> chunks = VideoChunks.camera(8, VideoChunks.CANVAS, 6);
    try (RawWebSocket client = session(port)) {
      client.send(RawWebSocket.BINARY, bytes(VideoChunks.message(0, 0, chunks.get(0))));
      assertThat(nextReplyOrKeyframe(client)).isEqualTo(0);
      // One decoding, four queued (the queue's limit), then the key.
      List<byte[]> burst = new ArrayList<>();
      for (int i = 1; i <= 6; i++) {
        burst.add(bytes(VideoChunks.message(i, i, chunks.get(i))));
      }
      client.sendTogether(RawWebSocket.BINARY, burst);
      client.send(RawWebSocket.BINARY, bytes(VideoChunks.message(7, 7, chunks.get(7))));
      long last;
      do {
        last = nextReplyOrKeyframe(client);
        assertThat(last).as("no keyframe request: the key was queued").isNotNegative();
      } while (last < 7);
      JsonObject stats = stats(client, 8);
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key")).as("the deltas the key replaced").isEqualTo(4);
      VideoIngestTest.assertCountsAddUp(stats);
    }
  }

  @Test
  void aDeltaOverAFullQueueAsksForAKeyWithReasonOverload() throws IOException {
    List<EncodedChunk> chunks = VideoChunks.camera(8, VideoChunks.CANVAS);
    try (RawWebSocket client = session(port)) {
      // The key decoding, four deltas queued, then one delta too many and one after it.
      List<byte[]> burst = new ArrayList<>();
      for (int i = 0; i <= 6; i++) {
        burst.add(bytes(VideoChunks.message(i, i, chunks.get(i))));
      }
      client.sendTogether(RawWebSocket.BINARY, burst);
      JsonObject request = nextText(client, "keyframe");
      assertThat(request.getString("reason")).isEqualTo("overload");
      assertThat(request.getLong("seq")).isEqualTo(5);
      JsonObject stats = stats(client, 7);
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key"))
        .as("the four queued deltas (the stream restarts at a key), the one over the queue and the one after it").isEqualTo(6);
      VideoIngestTest.assertCountsAddUp(stats);
    }
  }

  @Test
  void aKeyQueuedBehindAChunkThatFailsToDecodeRestartsTheStream() throws IOException {
    List<EncodedChunk> chunks = VideoChunks.camera(5, VideoChunks.CANVAS, 2);
    try (RawWebSocket client = session(port)) {
      // The key decoding, a delta cut short queued (the decoder refuses it), then a key and a delta.
      Buffer cut = chunks.get(1).data().slice(0, 8);
      client.sendTogether(RawWebSocket.BINARY, List.of(bytes(VideoChunks.message(0, 0, chunks.get(0))),
        bytes(VideoChunks.message(1, false, cut)), bytes(VideoChunks.message(2, 2, chunks.get(2))),
        bytes(VideoChunks.message(3, 3, chunks.get(3)))));
      JsonObject error = nextText(client, "error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getLong("seq")).isEqualTo(1);
      // Sent after the error: the stream is not waiting for a key, so this delta decodes too.
      client.send(RawWebSocket.BINARY, bytes(VideoChunks.message(4, 4, chunks.get(4))));
      long last;
      do {
        last = nextReplyOrKeyframe(client);
        assertThat(last).as("no keyframe request: a key was queued after the broken chunk").isNotNegative();
      } while (last < 4);
      JsonObject stats = stats(client, 5);
      assertThat(stats.getLong("errors")).isEqualTo(1);
      assertThat(stats.getJsonObject("dropped").getLong("awaiting_key", 0L)).isZero();
      VideoIngestTest.assertCountsAddUp(stats);
    }
  }

  private static RawWebSocket session(int port) throws IOException {
    RawWebSocket client = RawWebSocket.connect(port, "/frames");
    client.send(RawWebSocket.TEXT, new JsonObject().put("type", "pipeline").put("ops", ops()).encode().getBytes());
    nextText(client, "pipeline");
    client.send(RawWebSocket.TEXT, VideoChunks.config(VideoChunks.CANVAS).encode().getBytes());
    nextText(client, "video");
    return client;
  }

  /** The next reply's sequence number, or -1 for a keyframe request (other text messages skipped). */
  private static long nextReplyOrKeyframe(RawWebSocket client) throws IOException {
    while (true) {
      RawWebSocket.Message message = client.readMessage();
      assertThat(message).as("the connection open").isNotNull();
      if (message.opcode() == RawWebSocket.BINARY) {
        return FrameFormat.decode(Buffer.buffer(message.payload())).sequence();
      }
      JsonObject json = new JsonObject(message.text());
      assertThat(json.getString("type")).as("message %s", json.encode()).isNotEqualTo("error");
      if ("keyframe".equals(json.getString("type"))) {
        return -1;
      }
    }
  }

  private static JsonObject nextText(RawWebSocket client, String type) throws IOException {
    while (true) {
      RawWebSocket.Message message = client.readMessage();
      assertThat(message).as("the connection open").isNotNull();
      if (message.opcode() == RawWebSocket.TEXT) {
        JsonObject json = new JsonObject(message.text());
        if (type.equals(json.getString("type"))) {
          return json;
        }
        assertThat(json.getString("type")).as("message %s before %s", json.encode(), type).isNotIn("error", "keyframe");
      }
    }
  }

  /** The session's stats (sent every second while anything changes) once all {@code framesIn} are settled. */
  private static JsonObject stats(RawWebSocket client, long framesIn) throws IOException {
    while (true) {
      JsonObject stats = nextText(client, "stats");
      if (stats.getLong("in") == framesIn && stats.getInteger("pending") == 0) {
        return stats;
      }
    }
  }

  private static byte[] bytes(Buffer message) {
    return message.getBytes();
  }
}
