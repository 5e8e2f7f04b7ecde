package io.frameloop.endtoend.droppolicy;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.testing.Images;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reply direction: a client that reads slowly gets smaller replies before any is dropped as slow_client. */
@ExtendWith(VertxExtension.class)
class ReplyQualityUnderASlowReaderTest {

  @Test
  void aSlowReaderGetsLowerQualityRepliesBeforeAnyIsDropped(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0).setWriteQueueMaxBytes(256 * 1024);
      o.getHttpServerOptions().setSendBufferSize(16 * 1024); // the kernel must not soak up what the client leaves unread
    })).actualPort();
    // Noise keeps its size at each quality: a reply's size says the quality it was encoded at.
    Buffer noise = Images.noiseJpeg(320, 240, 90); // small and quick: frames never wait for each other
    try (RawWebSocket client = RawWebSocket.connect(port, "/frames", 16 * 1024)) {
      client.send(RawWebSocket.TEXT, pipeline(op("flip").put("axis", "horizontal")).put("type", "pipeline").put("quality", 90)
        .encode().getBytes());
      int frames = 60;
      for (int seq = 1; seq <= frames; seq++) {
        client.send(RawWebSocket.BINARY, FrameFormat.encode(new FrameHeader(seq, 0), noise).getBytes());
        Thread.sleep(80); // 12 frames a second, read by no one for now
      }
      // Now read it all, slowly at first.
      TreeMap<Long, Integer> replySizes = new TreeMap<>();
      List<JsonObject> stats = new ArrayList<>();
      JsonObject last = null;
      while (last == null || last.getLong("in") != frames || last.getInteger("pending") != 0) {
        RawWebSocket.Message message = client.readMessage();
        assertThat(message).as("the connection stays open").isNotNull();
        if (message.opcode() == RawWebSocket.BINARY) {
          replySizes.put(FrameFormat.decode(Buffer.buffer(message.payload())).header().sequence(), message.payload().length);
        } else if (message.text().contains("\"stats\"")) {
          last = new JsonObject(message.text());
          stats.add(last);
        }
      }
      int first = replySizes.firstEntry().getValue();
      long firstSmaller = replySizes.entrySet().stream().filter(e -> e.getValue() < first * 0.7).mapToLong(e -> e.getKey())
        .findFirst().orElseThrow(() -> new AssertionError("no reply at a lower quality: " + replySizes));
      long firstMissing = 1;
      while (replySizes.containsKey(firstMissing)) {
        firstMissing++;
      }
      assertThat(firstSmaller).as("a smaller reply before the first unanswered frame").isLessThan(firstMissing);
      assertThat(stats).anySatisfy(s -> assertThat(s.getInteger("replyQuality")).isLessThan(90));
      assertThat(last.getJsonObject("dropped").getLong("stale")).as("frames were paced: none replaced while waiting").isZero();
    }
  }
}
