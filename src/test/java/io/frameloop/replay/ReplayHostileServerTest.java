package io.frameloop.replay;

import static io.frameloop.testing.FakeFrameServer.HELLO;
import static io.frameloop.testing.FakeFrameServer.echoing;
import static io.frameloop.testing.FakeFrameServer.settledStats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FakeFrameServer;
import io.frameloop.testing.ReplayCli;
import io.frameloop.testing.ReplayCli.Outcome;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26 #6: the replay client against servers built here on loopback that are silent, never send
 * {@code hello}, send messages of the wrong types or close mid-run. Each run ends by itself (the
 * {@code @Timeout} only turns a hang into a failure) with a clear message and exit code 1.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReplayHostileServerTest {

  private static Outcome replay(int port, String... more) {
    String[] args = new String[4 + more.length];
    System.arraycopy(new String[] {"--url", "ws://127.0.0.1:" + port + "/frames", "--source", "synthetic:160x120"}, 0, args, 0, 4);
    System.arraycopy(more, 0, args, 4, more.length);
    return ReplayCli.run(args);
  }

  @Test
  void aServerThatNeverAnswersTheUpgradeEndsTheRunAtTheConnectTimeout(Vertx vertx) {
    int port = FakeFrameServer.silent(vertx);
    Outcome run = replay(port, "--sessions", "3", "--duration", "3s", "--connect-timeout", "1s");
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("FAIL: no hello from the server within 1000 ms").contains("--connect-timeout")
      .doesNotContain("Exception");
    assertThat(run.out()).doesNotContain("frames sent");
  }

  @Test
  void aServerThatUpgradesButNeverSendsHelloEndsTheRunAtTheConnectTimeout(Vertx vertx) {
    AtomicInteger upgraded = new AtomicInteger();
    int port = FakeFrameServer.webSocket(vertx, ws -> upgraded.incrementAndGet());
    Outcome run = replay(port, "--duration", "3s", "--connect-timeout", "1s");
    assertThat(upgraded.get()).as("upgrades").isEqualTo(1);
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("FAIL: no hello from the server within 1000 ms");
  }

  @Test
  void aServerThatNeverAnswersAFrameEndsTheRunAtTheDurationPlusTheDrain(Vertx vertx) {
    AtomicInteger frames = new AtomicInteger();
    int port = FakeFrameServer.webSocket(vertx, ws -> {
      ws.writeTextMessage(HELLO);
      ws.binaryMessageHandler(frame -> frames.incrementAndGet());
    });
    Outcome run = replay(port, "--duration", "1s", "--window", "0", "--fps", "10");
    assertThat(frames.get()).as("frames the server took").isPositive();
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("frames sent");
    assertThat(run.err()).contains("FAIL: no processed frame came back");
  }

  @Test
  void statsOfTheWrongTypeEndTheRunNamingTheField(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = FakeFrameServer.webSocket(vertx, echoing(n -> n == 5 ? "{\"type\":\"stats\",\"in\":\"x\"}" : null));
    Path json = dir.resolve("summary.json");
    Outcome run = replay(port, "--duration", "30s", "--fps", "20", "--json", json.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("FAIL: session 0: the server sent a message the client cannot read: stats.in: expected a number, got \"x\"")
      .doesNotContain("ClassCastException");
    // The run ended at the bad message, not at --duration: what it measured so far is reported.
    JsonObject summary = new JsonObject(Files.readString(json));
    assertThat(summary.getLong("received")).isBetween(5L, 7L);
    assertThat(summary.getDouble("seconds")).isLessThan(30.0);
    assertThat(summary.getString("failure")).contains("stats.in");
  }

  @Test
  void aHelloOfTheWrongTypesAndTextThatIsNoJsonEndTheRun(Vertx vertx) {
    int port = FakeFrameServer.webSocket(vertx, ws -> ws.writeTextMessage("{\"type\":\"hello\",\"pipeline\":\"gray\"}"));
    Outcome run = replay(port, "--duration", "3s");
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("hello.pipeline: expected an array, got \"gray\"");

    port = FakeFrameServer.webSocket(vertx, echoing(n -> n == 2 ? "stats, but not JSON" : null));
    run = replay(port, "--duration", "30s", "--fps", "20");
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("FAIL: session 0: the server sent a text message that is not a JSON object: stats, but not JSON");

    // Replies must repeat the frame's header: a bare JPEG answer cannot be matched to its frame.
    port = FakeFrameServer.webSocket(vertx, ws -> {
      ws.writeTextMessage(HELLO);
      ws.binaryMessageHandler(frame -> ws.writeBinaryMessage(FrameFormat.decode(frame).payload()));
    });
    run = replay(port, "--duration", "30s", "--fps", "20");
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("FAIL: session 0: the server sent a message the client cannot read: a reply without the FL header");
  }

  @Test
  void aServerThatClosesMidRunEndsTheRunSayingHow(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = FakeFrameServer.webSocket(vertx, ws -> echoing(n -> {
      if (n == 10) {
        ws.close((short) 1011, "worker gone");
        return null;
      }
      return settledStats(n);
    }).handle(ws));
    Path json = dir.resolve("summary.json");
    Outcome run = replay(port, "--sessions", "2", "--duration", "30s", "--fps", "20", "--json", json.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).containsPattern("FAIL: session [01]: the server closed the connection \\(status 1011, reason worker gone\\)");
    JsonObject summary = new JsonObject(Files.readString(json));
    assertThat(summary.getLong("received")).as("answers before the close").isGreaterThanOrEqualTo(9L);
    assertThat(summary.getDouble("seconds")).isLessThan(30.0);
  }

  @Test
  void theCheckNamesEachFieldOfTheWrongType() {
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"dropped\":{\"stale\":\"many\"}}")))
      .hasMessageEndingWith("stats.dropped.stale: expected a number, got \"many\"");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"timings\":[[1,2,3,4,5,[[7,1]]]]}")))
      .hasMessageEndingWith("stats.timings[0][5][0][0]: expected a string, got 7");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"timings\":[[1]]}")))
      .hasMessageEndingWith("stats.timings[0]: expected an array [seq, processing µs, ...], got an array");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"pending\":-1}")))
      .hasMessageEndingWith("stats.pending: expected a whole number at least 0, got -1");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"processMs\":{\"p50\":null}}")))
      .hasMessageEndingWith("stats.processMs.p50: expected a number, got null");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"queueMs\":{\"count\":1,\"p99\":1e308}}")))
      .hasMessageEndingWith("stats.queueMs.p99: expected milliseconds from 0 to 86400000, got 1.0E308");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"error\",\"code\":{},\"message\":\"m\"}")))
      .hasMessageEndingWith("error.code: expected a string, got an object");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"record\",\"enabled\":\"yes\"}")))
      .hasMessageEndingWith("record.enabled: expected true or false, got \"yes\"");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"results\",\"seq\":1.5}")))
      .hasMessageEndingWith("results.seq: expected a whole number at least 0, got 1.5");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":7}")))
      .hasMessageEndingWith("message.type: expected a string, got 7");
    assertThatThrownBy(() -> ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"dropped\":{\"a b\\u001b\":\"x\"}}")))
      .hasMessageEndingWith("stats.dropped[\"a b\\u001B\"]: expected a number, got \"x\"");
    // What a real server sends passes.
    ServerMessageCheck.check(new JsonObject("{\"type\":\"stats\",\"in\":3,\"pending\":0,\"droppedTotal\":1,\"dropped\":{\"stale\":1},"
      + "\"processMs\":{\"count\":2,\"p50\":1.5,\"p99\":2.0},\"timings\":[[1,900,10,300,200,[[\"gray\",100]],0]],\"replyQuality\":80}"));
  }
}
