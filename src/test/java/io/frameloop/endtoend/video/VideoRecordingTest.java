package io.frameloop.endtoend.video;

import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.protocol.FrameKind;
import io.frameloop.record.RecordingReader;
import io.frameloop.replay.FrameSource;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.video.EncodedChunk;
import io.frameloop.video.Vp8Decoder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's video recorded: its configuration, and its chunks byte for byte with their flags,
 * from the first key chunk after the recording started, so that a replay decodes from its start.
 */
@ExtendWith(VertxExtension.class)
class VideoRecordingTest {

  @TempDir
  Path recordDir;

  @Test
  void theChunksAreRecordedFromAKeyWithTheirFlagsAndTheVideoConfiguration(Vertx vertx) {
    List<EncodedChunk> chunks = VideoChunks.camera(8, VideoChunks.CANVAS, 5);
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0);
      o.getRecordingOptions().setRecordDir(recordDir.toString());
    })).actualPort();
    String id;
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops()));
      client.sendJson(VideoChunks.config(VideoChunks.CANVAS));
      JsonObject video = client.next("video");
      for (int i = 0; i < 3; i++) {
        client.sendBinary(VideoChunks.message(i, 100 + i, chunks.get(i)));
        client.nextBinary();
      }
      // Recording starts mid-stream: deltas 3 and 4 come before its first key (5).
      client.sendJson(new JsonObject().put("type", "record").put("enabled", true));
      id = client.next("record").getString("id");
      for (int i = 3; i < 8; i++) {
        client.sendBinary(VideoChunks.message(i, 100 + i, chunks.get(i)));
        client.nextBinary();
      }
      client.sendJson(new JsonObject().put("type", "record").put("enabled", false));
      assertThat(client.next("record").getBoolean("enabled")).isFalse();
      video.remove("type");
      RecordingReader.Recorded recorded = RecordingReader.read(recordDir.resolve(id), 100);
      assertThat(recorded.session().getJsonArray("videoChanges").getJsonObject(0).getJsonObject("video")).isEqualTo(video);
      List<RecordingReader.Frame> frames = recorded.frames();
      assertThat(frames.stream().map(RecordingReader.Frame::sequence)).containsExactly(5L, 6L, 7L);
      assertThat(frames.stream().map(RecordingReader.Frame::kind))
        .containsExactly(FrameKind.VIDEO_KEY, FrameKind.VIDEO_DELTA, FrameKind.VIDEO_DELTA);
      assertThat(frames.get(0).clientTimestamp()).isEqualTo(105L);
      // Byte for byte, and a replay decodes them from the first.
      try (Vp8Decoder decoder = Vp8Decoder.create()) {
        for (int i = 0; i < frames.size(); i++) {
          assertThat(frames.get(i).payload()).isEqualTo(chunks.get(5 + i).data());
          DecodedPicture picture = decoder.decode(frames.get(i).payload(), VideoChunks.CANVAS);
          assertThat(picture.width()).isEqualTo(640);
        }
      }
      // The replay client reads them as a VP8 stream (ReplayVideoTest sends one).
      assertThat(FrameSource.recording(recordDir.resolve(id)).video().chunks()).hasSize(3);
    }
  }
}
