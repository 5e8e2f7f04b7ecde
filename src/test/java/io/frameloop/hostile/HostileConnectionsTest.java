package io.frameloop.hostile;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17, rows 2, 9, 10, 11 and 12: hostile connections, each next to a normal session that
 * must keep getting its frames back. Loopback only, bounded in count and time.
 */
@ExtendWith(VertxExtension.class)
class HostileConnectionsTest {

  /** A normal session: sends {@code count} frames one after the other and counts the replies. */
  static int streamNormally(FrameClient client, int count) {
    Buffer frame = Images.leftRedRightBlue();
    int replies = 0;
    for (int seq = 0; seq < count; seq++) {
      client.sendFramed(seq, 0, frame);
      if (FrameFormat.decode(client.nextBinary()).header().sequence() == seq) {
        replies++;
      }
    }
    return replies;
  }

  @Test
  void aPingFloodThatNeverReadsIsClosedWith1008(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0))).actualPort();
    try (FrameClient bystander = FrameClient.connect(vertx, port);
         RawWebSocket attacker = RawWebSocket.connect(port, "/frames")) {
      byte[] payload = new byte[125];
      int sent = 0;
      try {
        for (; sent < 5_000; sent++) {
          attacker.send(RawWebSocket.PING, payload);
        }
      } catch (IOException closedUnderUs) {
        // the server closed the connection while the flood was still going: what we want
      }
      assertThat(attacker.readUntilClose()).as("close code after %d pings", sent).isIn(1008, -1);
      assertThat(streamNormally(bystander, 20)).isEqualTo(20);
      assertThat(Http.get(port, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void clientsThatSendControlMessagesButNeverReadAreSlowedThenClosed(Vertx vertx) throws Exception {
    // A stall timeout longer than the test: only the limit on unsent answers can close them in time.
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(0)
      .setStalledTimeoutSeconds(120).setWriteQueueMaxBytes(32 * 1024))).actualPort();
    List<JsonObject> steps = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      steps.add(op("blur").put("kernel", 3));
    }
    byte[] pipeline = pipeline(steps).put("type", "pipeline").encode().getBytes(StandardCharsets.UTF_8);
    List<RawWebSocket> attackers = new ArrayList<>();
    try (FrameClient bystander = FrameClient.connect(vertx, port)) {
      for (int i = 0; i < 4; i++) {
        attackers.add(RawWebSocket.connect(port, "/frames"));
      }
      // Each answer is as large as the request; nobody reads them. Writes block once the server
      // stops reading, so each attacker sends from its own thread, bounded in count.
      List<Thread> senders = new ArrayList<>();
      for (RawWebSocket attacker : attackers) {
        Thread sender = new Thread(() -> {
          try {
            for (int n = 0; n < 20_000; n++) {
              attacker.send(RawWebSocket.TEXT, pipeline);
            }
          } catch (IOException e) {
            // closed by the server while it was sending
          }
        });
        sender.setDaemon(true);
        sender.start();
        senders.add(sender);
      }
      assertThat(streamNormally(bystander, 30)).as("the normal session's frames during the attack").isEqualTo(30);
      // Their writes block once the server stops reading, and go on (into nothing) once it closed
      // them; reading before that would drain their queues and hide exactly what is tested.
      for (Thread sender : senders) {
        sender.join(20_000);
        assertThat(sender.isAlive()).as("an attacker's sender still blocked or sending").isFalse();
      }
      for (RawWebSocket attacker : attackers) {
        assertThat(attacker.closedByServer(15_000)).as("an attacker that never read is closed").isTrue();
      }
      assertThat(streamNormally(bystander, 10)).isEqualTo(10);
    } finally {
      for (RawWebSocket attacker : attackers) {
        attacker.close();
      }
    }
  }

  @Test
  void connectionsThatNeverFinishTheirRequestAreClosedAndBounded(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getConnectionLimits().setHeaderTimeoutMs(4000).setMaxPendingConnections(50);
      o.getSessionOptions().setMaxFps(0);
    })).actualPort();
    List<Socket> slow = new ArrayList<>();
    try (FrameClient bystander = FrameClient.connect(vertx, port)) {
      for (int i = 0; i < 120; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        if (i % 2 == 0) {
          out.write("GET /frames HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // and never the end
        }
        slow.add(socket);
      }
      assertThat(streamNormally(bystander, 10)).as("a session opened before the attack").isEqualTo(10);
      for (Socket overLimit : slow.subList(60, slow.size())) {
        overLimit.setSoTimeout(2000); // well before the 4 s header timeout
        assertThat(overLimit.getInputStream().read()).as("over maxPendingConnections: closed at once").isEqualTo(-1);
      }
      Wait.Deadline headerTimeout = Wait.Deadline.in(Duration.ofSeconds(10));
      for (Socket socket : slow) {
        socket.setSoTimeout((int) Math.max(1, headerTimeout.remaining().toMillis()));
        assertThat(socket.getInputStream().read()).as("closed by the server within the header timeout").isEqualTo(-1);
      }
      try (FrameClient newcomer = FrameClient.connect(vertx, port)) {
        assertThat(streamNormally(newcomer, 5)).as("a session opened after the attack").isEqualTo(5);
      }
      assertThat(streamNormally(bystander, 5)).isEqualTo(5);
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void aKeepAliveConnectionMustSendItsNextRequestInTimeToo(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getConnectionLimits().setHeaderTimeoutMs(1000))).actualPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[12];
      assertThat(socket.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      out.write("GET /health HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII)); // the next one, never finished
      long started = System.nanoTime();
      while (socket.getInputStream().read() >= 0) {
        // the rest of the first response, then the end
      }
      assertThat((System.nanoTime() - started) / 1_000_000).as("closed by the header timeout, not the idle timeout")
        .isLessThan(9_000);
    }
  }

  @Test
  void aPlainGetOnTheFramesPathIsAnswered426WithoutAStackTrace(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    AtomicInteger severe = new AtomicInteger();
    Handler counter = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
          severe.incrementAndGet();
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger root = Logger.getLogger("");
    root.addHandler(counter);
    try {
      for (int i = 0; i < 200; i++) {
        var response = Http.get(port, "/frames");
        assertThat(response.statusCode()).isEqualTo(426);
        assertThat(response.headers().firstValue("Upgrade")).hasValue("websocket");
      }
      assertThat(severe.get()).as("SEVERE log records").isZero();
    } finally {
      root.removeHandler(counter);
    }
  }

  @Test
  void aReplyOverTheMessageLimitIsDroppedWithAReason(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxMessageBytes(64 * 1024))).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      Buffer noise = Images.noiseJpeg(256, 192, 90);
      assertThat(noise.length()).isLessThan(64 * 1024);
      JsonObject answer = client.setPipeline(pipeline(op("resize").put("width", 1280)).put("quality", 100));
      assertThat(answer.getString("type")).isEqualTo("pipeline");
      client.sendFramed(9, 0, noise);
      JsonObject error = client.next("error");
      assertThat(error.getLong("seq")).isEqualTo(9);
      assertThat(error.getString("message")).contains("over the limit of 65536");
      assertThat(client.pollBinary(Duration.ofMillis(500))).as("no oversized reply").isNull();
      client.usePipeline(pipeline().put("quality", 80));
      client.sendFramed(10, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(10);
    }
  }
}
