package io.frameloop.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.StreamingSession;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 26, finding 2: floods of WebSocket frames, fragments, text messages and error answers are
 * each bounded per session and closed with 1008, and a normal session beside them keeps its frame
 * rate (frames counted, alone and beside the floods).
 */
@ExtendWith(VertxExtension.class)
class MessageFloodTest {

  /** A 30 fps camera for about three seconds. */
  private static final int NORMAL_FRAMES = 90;
  private static final long NORMAL_INTERVAL_MS = 33;

  /** How one flooding connection ended: the close code and reason it read (-1: none). */
  private record Closed(int code, String reason) {
  }

  /** What a flooder sends, over and over, until the server closes it. */
  private interface Flood {
    byte[] next();
  }

  /**
   * Connects, sends {@code flood} from this thread while another reads, and returns the close the
   * server sent. Bounded by {@code maxWrites}.
   */
  private static Closed floodOnce(int port, Flood flood, int maxWrites) throws IOException {
    try (RawWebSocket ws = RawWebSocket.connect(port, "/frames")) {
      AtomicBoolean closeRead = new AtomicBoolean();
      Closed[] closed = {new Closed(-1, "")};
      Thread reader = new Thread(() -> {
        try {
          for (RawWebSocket.Message m = ws.readMessage(); m != null; m = ws.readMessage()) {
            if (m.opcode() == RawWebSocket.CLOSE) {
              byte[] p = m.payload();
              closed[0] = new Closed(p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : 1005,
                p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "");
              break;
            }
          }
        } catch (IOException e) {
          // reset: no close frame read
        }
        closeRead.set(true);
      }, "flood-reader");
      reader.setDaemon(true);
      reader.start();
      try {
        for (int n = 0; n < maxWrites && !closeRead.get(); n++) {
          ws.sendRaw(flood.next());
        }
      } catch (IOException closedUnderUs) {
        // the server closed while the flood was still going
      }
      try {
        reader.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return closed[0];
    }
  }

  /** 16,002 one-byte text fragments of one message, as in the issue, sent in batches of 2,000. */
  private static Flood oneByteFragments() {
    int[] sent = {0};
    return () -> {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 2_000; i++, sent[0]++) {
        int index = sent[0] % 16_002;
        byte[] frame = RawWebSocket.frame(index == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION,
          new byte[] {'x'}, index == 16_001);
        batch.write(frame, 0, frame.length);
      }
      return batch.toByteArray();
    };
  }

  /** Complete one-byte binary messages: each is dropped as rate_limited, but costs a frame's work. */
  private static Flood tinyBinaryMessages() {
    return () -> {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 2_000; i++) {
        byte[] frame = RawWebSocket.frame(RawWebSocket.BINARY, new byte[] {1}, true);
        batch.write(frame, 0, frame.length);
      }
      return batch.toByteArray();
    };
  }

  /** 16 KB JSON control messages (just under maxTextMessageBytes), as in the issue. */
  private static Flood largeJsonMessages() {
    String padding = "p".repeat(16 * 1024 - 64);
    byte[] frame = RawWebSocket.frame(RawWebSocket.TEXT, new JsonObject().put("type", "timings").put("pad", padding)
      .encode().getBytes(StandardCharsets.UTF_8), true);
    return () -> frame;
  }

  /** Runs a 30 fps camera session for {@link #NORMAL_FRAMES} and counts the processed frames it gets back. */
  private static int normalSessionFrames(Vertx vertx, int port) {
    try (StreamingSession normal = new StreamingSession(FrameClient.connect(vertx, port), Images.leftRedRightBlue(),
      NORMAL_INTERVAL_MS, NORMAL_FRAMES)) {
      normal.awaitDone();
      return normal.processedCount();
    }
  }

  @Test
  void floodersAreClosedWith1008AndANormalSessionKeepsItsFrameRate(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    int alone = normalSessionFrames(vertx, port);
    assertThat(alone).as("frames back alone").isGreaterThan(NORMAL_FRAMES / 2);

    // Three kinds of flooder, each reconnecting as soon as it is closed, for as long as the normal session runs.
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<List<Closed>> closes = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<Supplier<Flood>> floods = List.of(MessageFloodTest::oneByteFragments,
      MessageFloodTest::tinyBinaryMessages, MessageFloodTest::largeJsonMessages);
    List<Thread> flooders = new ArrayList<>();
    for (int k = 0; k < floods.size(); k++) {
      List<Closed> mine = closes.get(k);
      Supplier<Flood> kind = floods.get(k);
      Thread flooder = new Thread(() -> {
        for (int connection = 0; connection < 50 && running.get(); connection++) {
          // A new flooding connection every 250 ms at most: message floods, not a connection flood
          // (that one is maxSessions' and the tenants' quotas').
          long next = System.nanoTime() + 250_000_000L;
          try {
            Closed closed = floodOnce(port, kind.get(), 2_000);
            synchronized (mine) {
              mine.add(closed);
            }
          } catch (IOException e) {
            failures.add(e.toString());
          }
          long wait = (next - System.nanoTime()) / 1_000_000;
          if (wait > 0) {
            try {
              Thread.sleep(wait);
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }, "flooder-" + k);
      flooder.setDaemon(true);
      flooder.start();
      flooders.add(flooder);
    }
    int beside;
    try {
      beside = normalSessionFrames(vertx, port);
    } finally {
      running.set(false);
      for (Thread flooder : flooders) {
        flooder.join(30_000);
      }
    }
    assertThat(failures).as("flooders' connections refused").isEmpty();
    // One-byte binary messages are bad frames too: the first error answers may reach their bound first.
    List<List<String>> reasons = List.of(List.of("too many fragments"),
      List.of("too many WebSocket frames", "too many errors"), List.of("too many text messages"));
    for (int k = 0; k < closes.size(); k++) {
      List<String> reason = reasons.get(k);
      assertThat(closes.get(k)).as("connections of flooder %d", k).isNotEmpty();
      assertThat(closes.get(k)).as("flooder %d closed with 1008 and its reason, every time", k)
        .allSatisfy(closed -> {
          assertThat(closed.code()).isEqualTo(1008);
          assertThat(reason).anySatisfy(expected -> assertThat(closed.reason()).contains(expected));
        });
    }
    System.out.printf("MessageFloodTest: %d frames alone, %d beside floods; flooders' connections %d, %d, %d%n", alone,
      beside, closes.get(0).size(), closes.get(1).size(), closes.get(2).size());
    assertThat((double) beside / alone).as("frame rate ratio beside the floods (%d of %d frames alone)", beside, alone)
      .isGreaterThanOrEqualTo(0.7);
  }

  @Test
  void aClientThatKeepsCausingErrorsIsClosedWith1008AndANewSessionIsServed(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxErrorsPerSecond(5)
      .setMaxTextMessagesPerSecond(1000))).actualPort();
    byte[] bad = RawWebSocket.frame(RawWebSocket.TEXT, "{\"type\":\"nonsense\"}".getBytes(StandardCharsets.UTF_8), true);
    int[] sent = {0};
    Closed closed = floodOnce(port, () -> {
      sent[0]++;
      return bad;
    }, 200);
    assertThat(closed.code()).as("close code after %d bad messages", sent[0]).isEqualTo(1008);
    assertThat(closed.reason()).contains("too many errors");
    try (FrameClient next = FrameClient.connect(vertx, port)) {
      next.sendText("{\"type\":\"nonsense\"}");
      assertThat(next.next("error").getString("code")).as("one error is answered as before").isEqualTo("bad_message");
      next.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(next.nextBinary()).isNotNull();
    }
  }

  @Test
  void aMessageWithinTheFragmentLimitIsStillProcessed(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFragmentsPerMessage(8)))
      .actualPort();
    try (RawWebSocket ws = RawWebSocket.connect(port, "/frames")) {
      assertThat(ws.readMessage().text()).contains("\"hello\"");
      Buffer jpeg = Images.leftRedRightBlue();
      byte[] bytes = jpeg.getBytes();
      int piece = (bytes.length + 7) / 8;
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      for (int i = 0; i < 8; i++) {
        int from = i * piece;
        byte[] part = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + piece));
        byte[] frame = RawWebSocket.frame(i == 0 ? RawWebSocket.BINARY : RawWebSocket.CONTINUATION, part, i == 7);
        frames.write(frame, 0, frame.length);
      }
      ws.sendRaw(frames.toByteArray());
      RawWebSocket.Message reply = ws.readMessage();
      while (reply.opcode() != RawWebSocket.BINARY) {
        reply = ws.readMessage();
      }
      assertThat(reply.payload().length).as("the reply to a bare JPEG in 8 fragments").isGreaterThan(100);
    }
  }
}
