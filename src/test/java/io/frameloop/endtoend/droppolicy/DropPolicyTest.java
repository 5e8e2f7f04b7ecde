package io.frameloop.endtoend.droppolicy;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's drop policy and idle rule, each against a real server, each able to fail. */
@ExtendWith(VertxExtension.class)
class DropPolicyTest {

  @Test
  void repliesToAClientThatDoesNotReadAreDroppedAsSlowClientNotBuffered(Vertx vertx) throws Exception {
    // Replies of about a megabyte (noise, enlarged, quality 100): the socket buffers fill after a
    // few, then the session's unsent bytes pass writeQueueMaxBytes. The stall timeout is longer
    // than the test, so only the drop policy can be at work.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0).setWriteQueueMaxBytes(64 * 1024).setStalledTimeoutSeconds(120);
      o.setPipeline(new JsonObject().put("quality", 100)
        .put("ops", new JsonArray().add(new JsonObject().put("op", "resize").put("width", 1920))));
    })).actualPort();
    Buffer frame = Images.noiseJpeg(640, 480, 90);
    byte[] message = FrameFormat.encode(new FrameHeader(1, 0), frame).getBytes();
    try (RawWebSocket reader = RawWebSocket.connect(port, "/frames")) {
      sendFromItsOwnThread(reader, message, 400);
      long deadline = System.nanoTime() + FrameClient.TIMEOUT.toNanos();
      double slowClient = 0;
      while (slowClient == 0 && System.nanoTime() < deadline) {
        Thread.sleep(250);
        slowClient = counter(Http.get(port, "/metrics").body(), "frameloop_frames_dropped_total{reason=\"slow_client\"}");
      }
      assertThat(slowClient).as("frames dropped as slow_client while the client reads nothing").isPositive();
      double sentBytes = counter(Http.get(port, "/metrics").body(), "frameloop_bytes_out_total");
      // What the server wrote is what the socket buffers and one limit's worth hold, not every reply.
      assertThat(sentBytes).as("bytes written to a client that reads nothing").isLessThan(64 * 1024 * 1024);
    }
  }

  @Test
  void aClientThatTakesNothingForTheStalledTimeoutIsClosed(Vertx vertx) throws Exception {
    // Idle timeout off and frames only (no answers to pile up): only the stall rule can close it.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0).setWriteQueueMaxBytes(64 * 1024).setStalledTimeoutSeconds(2).setIdleTimeoutSeconds(0);
      o.setPipeline(new JsonObject().put("quality", 100)
        .put("ops", new JsonArray().add(new JsonObject().put("op", "resize").put("width", 1920))));
    })).actualPort();
    byte[] message = FrameFormat.encode(new FrameHeader(1, 0), Images.noiseJpeg(640, 480, 90)).getBytes();
    try (RawWebSocket reader = RawWebSocket.connect(port, "/frames")) {
      sendFromItsOwnThread(reader, message, 60);
      // Not a byte read here: reading would be progress. The server's count of open sessions says when it is closed.
      long deadline = System.nanoTime() + FrameClient.TIMEOUT.toNanos();
      double active = 1;
      while (active > 0 && System.nanoTime() < deadline) {
        Thread.sleep(250);
        active = counter(Http.get(port, "/metrics").body(), "frameloop_sessions_active");
      }
      assertThat(active).as("open sessions: a client that reads nothing is closed").isZero();
    }
  }

  /**
   * Sends {@code count} frames 25 ms apart from a daemon thread: its writes block once the server
   * stops reading, and closing the socket at the end of the test ends them.
   */
  private static void sendFromItsOwnThread(RawWebSocket socket, byte[] message, int count) {
    Thread sender = new Thread(() -> {
      try {
        for (int n = 0; n < count; n++) {
          socket.send(RawWebSocket.BINARY, message);
          Thread.sleep(25);
        }
      } catch (java.io.IOException | InterruptedException closed) {
        // closed by the server, or by the test at its end
      }
    });
    sender.setDaemon(true);
    sender.start();
  }

  @Test
  void aSessionThatKeepsStreamingIsNeverClosedAsIdle(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setIdleTimeoutSeconds(1))).actualPort();
    FrameClient client = FrameClient.connect(vertx, port); // closed by the server at the end
    Buffer frame = Images.leftRedRightBlue();
    long end = System.nanoTime() + 3_500_000_000L; // three and a half idle timeouts
    int seq = 0;
    while (System.nanoTime() < end) {
      assertThat(client.closeStatus()).as("closed after %d frames: %s", seq, client.closeReason()).isNull();
      client.sendFramed(++seq, 0, frame);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(seq);
      Thread.sleep(100);
    }
    // Streaming stopped: now the idle timeout applies.
    client.awaitClosed();
    assertThat(client.closeStatus()).isEqualTo((short) 1000);
    assertThat(client.closeReason()).startsWith("idle timeout");
  }

  static double counter(String metrics, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
