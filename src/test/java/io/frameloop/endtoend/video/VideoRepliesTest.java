package io.frameloop.endtoend.video;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.ops;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.DecodedPicture;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.protocol.FrameKind;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.VideoChunks;
import io.frameloop.testing.Wait;
import io.frameloop.video.ColorSpace;
import io.frameloop.video.OpenVideoCodecs;
import io.frameloop.video.Vp8Decoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * VP8 replies ({@code "replyFormat":"vp8"}) over a real WebSocket from a real server, for JPEG frames
 * of the camera clip: the reply's video message first, chunks with the request's header and the
 * video flags, decoding (with the server's own decoder) to the picture the JPEG reply shows, in
 * order; a key chunk on request; a slow reader gets smaller chunks and a stream that still decodes;
 * encoders released.
 */
@ExtendWith(VertxExtension.class)
class VideoRepliesTest {

  /** What the reply's video message says the pictures are: a canvas's colours. */
  private static final ColorSpace REPLY = new ColorSpace("bt709", "iec61966-2-1", "bt709", true);
  private static List<Buffer> frames;

  @BeforeAll
  static void clip() {
    frames = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      frames.add(Images.jpeg(VideoChunks.cameraFrame(i)));
    }
  }

  private static JsonObject flip(String replyFormat) {
    return new JsonObject().put("ops", ops(op("flip").put("axis", "horizontal"))).put("quality", 90)
      .put("replyFormat", replyFormat);
  }

  @Test
  void vp8RepliesDecodeToTheImageTheJpegReplyShowsInOrder(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient jpeg = FrameClient.connect(vertx, port); FrameClient vp8 = FrameClient.connect(vertx, port);
         Vp8Decoder decoder = Vp8Decoder.create()) {
      long jpegBytes = 0;
      long vp8Bytes = 0;
      assertThat(jpeg.usePipeline(flip("jpeg")).getString("replyFormat")).isEqualTo("jpeg");
      assertThat(vp8.usePipeline(flip("vp8")).getString("replyFormat")).isEqualTo("vp8");
      for (int i = 0; i < frames.size(); i++) {
        jpeg.sendFramed(i, 5000 + i, frames.get(i));
        vp8.sendFramed(i, 5000 + i, frames.get(i));
        InboundFrame chunk = FrameFormat.decode(vp8.nextBinary());
        vp8Bytes += chunk.payload().length();
        assertThat(chunk.header()).isEqualTo(new FrameHeader(i, 5000 + i));
        assertThat(chunk.kind()).isEqualTo(i == 0 ? FrameKind.VIDEO_KEY : FrameKind.VIDEO_DELTA);
        Mat fromVideo = mat(decoder.decode(chunk.payload(), REPLY));
        Buffer jpegReply = FrameFormat.decode(jpeg.nextBinary()).jpeg();
        jpegBytes += jpegReply.length();
        Mat fromJpeg = Images.decode(jpegReply);
        try {
          // The clip's sensor noise is what 1 Mbit/s cannot keep (as for the ingest): close, not equal.
          assertThat(Core.PSNR(fromVideo, fromJpeg)).as("frame %d", i).isGreaterThan(26);
        } finally {
          fromVideo.release();
          fromJpeg.release();
        }
      }
      System.out.printf("replies of the camera clip, 640x480, flipped: JPEG q90 %d bytes per frame, VP8 %d%n",
        jpegBytes / frames.size(), vp8Bytes / frames.size());
      assertThat(vp8Bytes).as("VP8 replies, 1 Mbit/s, against JPEG q90").isLessThan(jpegBytes / 3);
      assertThat(vp8.next("video")).isEqualTo(new JsonObject().put("type", "video").put("direction", "reply")
        .put("codec", "vp8").put("width", 640).put("height", 480).put("colorSpace", REPLY.toJson()));
      JsonObject stats = vp8.quietStats(frames.size());
      assertThat(stats.getJsonObject("output")).isEqualTo(new JsonObject().put("format", "vp8").put("width", 640)
        .put("height", 480));
      assertThat(stats.getLong("out")).isEqualTo(frames.size());
      VideoIngestTest.assertCountsAddUp(stats);
    }
  }

  @Test
  void aBurstComesBackInOrderAsOneStreamAndAKeyComesWhenAsked(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port); Vp8Decoder decoder = Vp8Decoder.create()) {
      client.usePipeline(flip("vp8"));
      for (int i = 0; i < frames.size(); i++) { // no waiting: the latest-wins slots drop some, never out of order
        client.sendFramed(i, 0, frames.get(i));
      }
      JsonObject stats = client.quietStats(frames.size());
      long out = stats.getLong("out");
      long last = -1;
      for (int i = 0; i < out; i++) {
        InboundFrame chunk = FrameFormat.decode(client.nextBinary());
        assertThat(chunk.header().sequence()).isGreaterThan(last);
        last = chunk.header().sequence();
        assertThat(chunk.kind().key()).as("chunk %d", i).isEqualTo(i == 0);
        assertPictureOf(decoder.decode(chunk.payload(), REPLY), (int) last);
      }
      VideoIngestTest.assertCountsAddUp(stats);
      // The client lost a chunk, say: it asks, and the next chunk is a key.
      client.sendJson(new JsonObject().put("type", "keyframe"));
      client.sendFramed(100, 0, frames.get(3));
      InboundFrame key = FrameFormat.decode(client.nextBinary());
      assertThat(key.kind()).isEqualTo(FrameKind.VIDEO_KEY);
      try (Vp8Decoder fresh = Vp8Decoder.create()) {
        assertPictureOf(fresh.decode(key.payload(), REPLY), 3);
      }
      client.sendFramed(101, 0, frames.get(4));
      assertThat(FrameFormat.decode(client.nextBinary()).kind()).isEqualTo(FrameKind.VIDEO_DELTA);
    }
  }

  @Test
  void greyOddSizedPicturesComeAsEvenColourChunksAndAStreamAfterJpegRepliesStartsAtAKey(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    JsonObject grey = new JsonObject().put("ops", ops(op("resize").put("width", 321), op("gray"))).put("replyFormat", "vp8");
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(grey);
      for (int round = 0; round < 2; round++) {
        client.sendFramed(10 * round, 0, frames.get(0));
        InboundFrame key = FrameFormat.decode(client.nextBinary());
        assertThat(key.kind()).as("round %d", round).isEqualTo(FrameKind.VIDEO_KEY);
        JsonObject described = client.next("video");
        assertThat(described.getInteger("width")).isEqualTo(320); // 321 wide, 241 high: cut to even
        assertThat(described.getInteger("height")).isEqualTo(240);
        try (Vp8Decoder decoder = Vp8Decoder.create()) {
          DecodedPicture picture = decoder.decode(key.payload(), REPLY);
          assertThat(picture.width()).isEqualTo(320);
          assertThat(picture.height()).isEqualTo(240);
        }
        client.sendFramed(10 * round + 1, 0, frames.get(1));
        assertThat(FrameFormat.decode(client.nextBinary()).kind()).isEqualTo(FrameKind.VIDEO_DELTA);
        // JPEG replies for a while, then VP8 again: a new stream, announced again.
        client.usePipeline(grey.copy().put("replyFormat", "jpeg"));
        client.sendFramed(10 * round + 2, 0, frames.get(2));
        assertThat(FrameFormat.decode(client.nextBinary()).kind()).isEqualTo(FrameKind.JPEG);
        client.usePipeline(grey);
      }
    }
  }

  @Test
  void inBothModeEachFramesResultsComeJustBeforeItsChunkAndResultsAloneEncodeNothing(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    Buffer astronaut = Images.fixture("astronaut-640x480.jpg");
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(new JsonObject().put("ops", ops(op("faces"))).put("reply", "both").put("replyFormat", "vp8"));
      client.arrivals();
      for (long seq = 1; seq <= 3; seq++) {
        client.sendFramed(seq, 0, astronaut);
        JsonObject results = client.next("results");
        InboundFrame chunk = FrameFormat.decode(client.nextBinary());
        assertThat(chunk.header().sequence()).isEqualTo(seq);
        assertThat(chunk.kind()).isEqualTo(seq == 1 ? FrameKind.VIDEO_KEY : FrameKind.VIDEO_DELTA);
        assertThat(results.getLong("seq")).isEqualTo(seq);
        assertThat(results.getJsonArray("detections")).hasSize(1);
      }
      assertThat(client.arrivals().stream().filter(type -> !type.equals("stats")).toList())
        .containsExactly("video", "results", "binary", "results", "binary", "results", "binary");
      long encoders = OpenVideoCodecs.encoders();
      client.usePipeline(new JsonObject().put("ops", ops(op("faces"))).put("reply", "results").put("replyFormat", "vp8"));
      client.sendFramed(4, 0, astronaut);
      assertThat(client.next("results").getJsonArray("detections")).hasSize(1);
      assertThat(client.pollBinary(Duration.ofMillis(500))).as("results alone: no chunk").isNull();
      assertThat(OpenVideoCodecs.encoders()).isEqualTo(encoders);
      VideoIngestTest.assertCountsAddUp(client.quietStats(4));
    }
  }

  @Test
  void anUnknownReplyFormatIsABadPipelineAndTheSessionGoesOn(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendJson(flip("h264").put("type", "pipeline"));
      JsonObject error = client.nextOf("pipeline", "error");
      assertThat(error.getString("code")).isEqualTo("bad_pipeline");
      assertThat(error.getString("message")).contains("replyFormat").contains("jpeg").contains("vp8");
      client.sendFramed(1, 0, frames.get(0));
      assertThat(FrameFormat.decode(client.nextBinary()).kind()).isEqualTo(FrameKind.JPEG); // the old pipeline still
    }
  }

  @Test
  void aSlowReaderGetsSmallerChunksBeforeAnyFrameIsDroppedAndTheStreamStillDecodes(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0).setWriteQueueMaxBytes(48 * 1024);
      o.getHttpServerOptions().setSendBufferSize(16 * 1024); // the kernel must not soak up what the client leaves unread
    })).actualPort();
    int count = 90;
    try (RawWebSocket client = RawWebSocket.connect(port, "/frames", 16 * 1024); Vp8Decoder decoder = Vp8Decoder.create()) {
      client.send(RawWebSocket.TEXT, flip("vp8").put("type", "pipeline").encode().getBytes());
      // Frame 0 read at once: the session's encoder is made and warm before the client stops reading.
      client.send(RawWebSocket.BINARY, FrameFormat.encode(new FrameHeader(0, 0), frames.get(0)).getBytes());
      List<InboundFrame> chunks = new ArrayList<>();
      boolean described = false;
      while (chunks.isEmpty()) {
        RawWebSocket.Message message = client.readMessage();
        if (message.opcode() == RawWebSocket.BINARY) {
          assertThat(described).as("the reply's video message before its first chunk").isTrue();
          chunks.add(FrameFormat.decode(Buffer.buffer(message.payload())));
        } else {
          JsonObject json = new JsonObject(message.text());
          described |= "video".equals(json.getString("type")) && "reply".equals(json.getString("direction"));
        }
      }
      for (int seq = 1; seq < count; seq++) {
        client.send(RawWebSocket.BINARY, FrameFormat.encode(new FrameHeader(seq, 0), frames.get(seq % frames.size())).getBytes());
        Thread.sleep(60); // read by no one for now
      }
      JsonObject last = null;
      while (last == null || last.getLong("in") != count || last.getInteger("pending") != 0) {
        RawWebSocket.Message message = client.readMessage();
        assertThat(message).as("the connection stays open").isNotNull();
        if (message.opcode() == RawWebSocket.BINARY) {
          chunks.add(FrameFormat.decode(Buffer.buffer(message.payload())));
        } else if (message.text().contains("\"stats\"")) {
          last = new JsonObject(message.text());
        }
      }
      // Where the client's unread queue made the server drop frames: the first run of 3 missing (a busy
      // machine may drop a single frame as stale earlier, while the encoder or a worker is slow).
      Set<Long> answered = new HashSet<>();
      chunks.forEach(c -> answered.add(c.header().sequence()));
      long first = 0;
      while (first < count && (answered.contains(first) || answered.contains(first + 1) || answered.contains(first + 2))) {
        first++;
      }
      long dropsFrom = first;
      // The deltas just before those drops against the early ones (medians: single deltas vary): the bitrate came down first.
      double early = median(chunks.stream().filter(c -> !c.kind().key() && c.header().sequence() >= 2 && c.header().sequence() < 12)
        .mapToInt(c -> c.payload().length()).toArray());
      double late = median(chunks.stream().filter(c -> !c.kind().key() && c.header().sequence() >= dropsFrom - 10
        && c.header().sequence() < dropsFrom).mapToInt(c -> c.payload().length()).toArray());
      assertThat(late).as("deltas before the drops, against the early ones (%.0f B): %s", early, chunks.stream()
        .map(c -> c.header().sequence() + (c.kind().key() ? "k" : "") + ":" + c.payload().length()).toList())
        .isLessThan(early * 0.6);
      assertThat(dropsFrom).as("frames dropped at last, the client reading nothing").isLessThan(count);
      // Every chunk sent decodes in turn, to the picture of its own frame: no delta went missing.
      for (InboundFrame chunk : chunks) {
        assertPictureOf(decoder.decode(chunk.payload(), REPLY), (int) chunk.header().sequence() % frames.size(), 20);
      }
      VideoIngestTest.assertCountsAddUp(last);
      assertThat(last.getLong("out")).isEqualTo(chunks.size());
    }
  }

  @Test
  void encodersAreCountedAndReleasedWhenSessionsEnd(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    long before = OpenVideoCodecs.encoders();
    for (int session = 0; session < 3; session++) {
      try (FrameClient client = FrameClient.connect(vertx, port)) {
        client.usePipeline(flip("vp8"));
        client.sendFramed(0, 0, frames.get(0));
        client.nextBinary();
        assertThat(OpenVideoCodecs.encoders()).isGreaterThan(before);
      }
    }
    Wait.until("the sessions' encoders to be closed", () -> OpenVideoCodecs.encoders() == before);
  }

  private static void assertPictureOf(DecodedPicture picture, int frame) {
    assertPictureOf(picture, frame, 26);
  }

  /** The picture is frame {@code frame} of the clip, flipped, within {@code minPsnr} dB. */
  private static void assertPictureOf(DecodedPicture picture, int frame, double minPsnr) {
    Mat decoded = mat(picture);
    Mat expected = VideoChunks.cameraFrame(frame);
    try {
      Core.flip(expected, expected, 1);
      assertThat(Core.PSNR(decoded, expected)).as("picture of frame %d", frame).isGreaterThan(minPsnr);
    } finally {
      decoded.release();
      expected.release();
    }
  }

  private static double median(int[] values) {
    assertThat(values).isNotEmpty();
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
  }

  private static Mat mat(DecodedPicture picture) {
    Mat mat = new Mat(picture.height(), picture.width(), CvType.CV_8UC3);
    mat.put(0, 0, picture.bgr());
    return mat;
  }
}
