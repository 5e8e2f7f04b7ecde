package io.frameloop.endtoend.badinput;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded random mutations of a real framed JPEG: bit flips, overwritten, inserted and deleted
 * bytes, truncation, header damage. Bounded: 3000 frames, one at a time. Every frame gets an
 * answer, the counters add up, and a second session is served all along.
 */
@ExtendWith(VertxExtension.class)
class MutationFuzzTest {

  private static final long SEED = 20261125L;
  private static final int FRAMES = 3000;

  @Test
  void mutatedFramesAreAnsweredAndNothingBreaks(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> {
      // As fast as answers come, mostly errors: the flood bounds (MessageFloodTest's) would close it.
      o.getSessionOptions().setMaxFps(0).setMaxErrorsPerSecond(1_000_000);
      o.getImageLimits().setMaxWidth(1024).setMaxHeight(1024).setMaxPixels(1024L * 1024);
    })).actualPort();
    Buffer base = Images.jpeg(Images.decode(Images.fixture("coffee-640x480.jpg")).submat(0, 120, 0, 160).clone());
    Random random = new Random(SEED);
    try (FrameClient client = FrameClient.connect(vertx, port);
         FrameClient bystander = FrameClient.connect(vertx, port)) {
      // Small output: the fuzz is about the input side.
      client.usePipeline(pipeline(op("resize").put("width", 32)));
      int processed = 0;
      int errors = 0;
      for (int i = 0; i < FRAMES; i++) {
        long seq = i;
        Buffer frame = mutate(FrameFormat.encode(new FrameHeader(seq, i), base), random);
        client.sendBinary(frame);
        if (frame.length() >= 16 && frame.getByte(0) == 'F' && frame.getByte(1) == 'L') {
          boolean ok = client.awaitAnswer(seq, "mutation " + i);
          processed += ok ? 1 : 0;
          errors += ok ? 0 : 1;
        } else {
          // The magic itself was damaged: an error without a sequence number, or a bare JPEG's reply.
          Buffer reply = client.pollBinary(Duration.ofMillis(1));
          if (reply == null) {
            JsonObject error = client.next("error");
            assertThat(error.getString("code")).isEqualTo("bad_frame");
            errors++;
          } else {
            processed++;
          }
        }
        if (i % 500 == 0) {
          bystander.sendFramed(i, 0, base);
          assertThat(FrameFormat.decode(bystander.nextBinary()).header().sequence()).isEqualTo(i);
        }
      }
      JsonObject stats = client.quietStats(FRAMES);
      assertThat(stats.getLong("out")).isEqualTo(processed);
      assertThat(stats.getLong("errors")).isEqualTo(errors);
      assertThat(stats.getLong("droppedTotal")).isZero();
      assertThat(processed).as("some mutations still decode").isPositive();
      assertThat(errors).as("some mutations are refused").isPositive();
    }
  }

  private static Buffer mutate(Buffer frame, Random random) {
    byte[] bytes = frame.getBytes();
    int kind = random.nextInt(6);
    switch (kind) {
      case 0 -> { // flip a few bits anywhere after the header
        for (int n = 1 + random.nextInt(8); n > 0; n--) {
          int at = 16 + random.nextInt(bytes.length - 16);
          bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
        return Buffer.buffer(bytes);
      }
      case 1 -> { // overwrite a run with random bytes, often in the JPEG headers
        int at = 16 + random.nextInt(random.nextBoolean() ? Math.min(600, bytes.length - 16) : bytes.length - 16);
        for (int n = random.nextInt(32); n > 0 && at < bytes.length; n--, at++) {
          bytes[at] = (byte) random.nextInt(256);
        }
        return Buffer.buffer(bytes);
      }
      case 2 -> { // truncate
        return Buffer.buffer(bytes).getBuffer(0, random.nextInt(bytes.length));
      }
      case 3 -> { // insert random bytes
        int at = 16 + random.nextInt(bytes.length - 16);
        byte[] extra = new byte[1 + random.nextInt(64)];
        random.nextBytes(extra);
        return Buffer.buffer().appendBytes(bytes, 0, at).appendBytes(extra).appendBytes(bytes, at, bytes.length - at);
      }
      case 4 -> { // delete a run
        int at = 16 + random.nextInt(bytes.length - 16);
        int len = Math.min(bytes.length - at, 1 + random.nextInt(64));
        return Buffer.buffer().appendBytes(bytes, 0, at).appendBytes(bytes, at + len, bytes.length - at - len);
      }
      default -> { // damage the frame header
        bytes[random.nextInt(4)] = (byte) random.nextInt(256);
        return Buffer.buffer(bytes);
      }
    }
  }
}
