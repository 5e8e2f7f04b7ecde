package io.frameloop.endtoend.droppolicy;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's drop policy and idle rule, each against a real server, each able to fail. */
@ExtendWith(VertxExtension.class)
class DropPolicyTest {

  /** A quarter of a second between scrapes: each is work for the server under test. */
  private static final Duration SCRAPE_EVERY = Duration.ofMillis(250);

  @Test
  void repliesToAClientThatDoesNotReadAreDroppedAsSlowClientNotBuffered(Vertx vertx) throws Exception {
    // Replies of about a megabyte (noise, enlarged, quality 100): the socket buffers fill after a
    // few, then the session's unsent bytes pass writeQueueMaxBytes. The stall timeout is longer
    // than the test, so only the drop policy can be at work.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0).setWriteQueueMaxBytes(64 * 1024).setStalledTimeoutSeconds(120);
      o.setPipeline(pipeline(op("resize").put("width", 1920)).put("quality", 100));
    })).actualPort();
    Buffer frame = Images.noiseJpeg(640, 480, 90);
    byte[] message = FrameFormat.encode(new FrameHeader(1, 0), frame).getBytes();
    try (RawWebSocket reader = RawWebSocket.connect(port, "/frames")) {
      sendFromItsOwnThread(reader, message, 400);
      double slowClient = Wait.forValue("frames dropped as slow_client", FrameClient.TIMEOUT, SCRAPE_EVERY, () -> {
        double dropped = Metrics.scrape(port).valueOr("frameloop_frames_dropped_total{reason=\"slow_client\"}", 0);
        return dropped > 0 ? dropped : null;
      });
      assertThat(slowClient).as("frames dropped as slow_client while the client reads nothing").isPositive();
      double sentBytes = Metrics.scrape(port).valueOr("frameloop_bytes_out_total", 0);
      // What the server wrote is what the socket buffers and one limit's worth hold, not every reply.
      assertThat(sentBytes).as("bytes written to a client that reads nothing").isLessThan(64 * 1024 * 1024);
    }
  }

  @Test
  void aClientThatTakesNothingForTheStalledTimeoutIsClosed(Vertx vertx) throws Exception {
    // Idle timeout off and frames only (no answers to pile up): only the stall rule can close it.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getSessionOptions().setMaxFps(0).setWriteQueueMaxBytes(64 * 1024).setStalledTimeoutSeconds(2).setIdleTimeoutSeconds(0);
      o.setPipeline(pipeline(op("resize").put("width", 1920)).put("quality", 100));
    })).actualPort();
    byte[] message = FrameFormat.encode(new FrameHeader(1, 0), Images.noiseJpeg(640, 480, 90)).getBytes();
    try (RawWebSocket reader = RawWebSocket.connect(port, "/frames")) {
      sendFromItsOwnThread(reader, message, 60);
      // Not a byte read here: reading would be progress. The server's count of open sessions says when it is closed.
      double active = Wait.forValue("no open session", FrameClient.TIMEOUT, SCRAPE_EVERY, () -> {
        double open = Metrics.scrape(port).valueOr("frameloop_sessions_active", 0);
        return open > 0 ? null : open;
      });
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
      } catch (IOException | InterruptedException closed) {
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
    Wait.Deadline end = Wait.Deadline.in(Duration.ofMillis(3500)); // three and a half idle timeouts
    int seq = 0;
    while (!end.passed()) {
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
}
