package io.frameloop.endtoend.deployment;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.protocol.CloseCodes;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.session.FrameSession;
import io.frameloop.testing.Await;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.SlowOpFactory;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 27 part 2, in one JVM: {@code close()} with {@code drainGraceMs} drains. Readiness goes
 * DOWN and upgrades get 503 with {@code Retry-After} at once; each session hears {@code goaway}
 * first, then the answers to the frames it held, then 1012; the close completes once they are
 * gone, or when the grace ends (those left get 1012 then). Nothing is logged at WARNING or above.
 */
@ExtendWith(VertxExtension.class)
class DrainTest {

  private static FrameLoopVerticle start(Vertx vertx, long drainGraceMs, String address) {
    FrameLoopOptions options = TestServers.options(o -> {
      o.setDrainGraceMs(drainGraceMs);
      o.getSessionOptions().setMaxFps(0);
      o.getWorkerOptions().setAddress(address);
    });
    OpRegistry registry = OpRegistry.withDefaults(Path.of(options.getFaceOptions().getFaceCascade())).register(new SlowOpFactory());
    return TestServers.start(vertx, options, registry);
  }

  /** As on SIGTERM: the FrameLoop drains while its workers run, then the verticle goes. */
  private static Future<Void> stop(Vertx vertx, FrameLoopVerticle server) {
    return server.frameLoop().close().compose(v -> vertx.undeploy(server.deploymentID()));
  }

  private static JsonObject slow(int ms) {
    return pipeline(op("slow").put("ms", ms));
  }

  @Test
  void framesHeldAtCloseAreAnsweredAfterGoawayThenTheSessionClosesWith1012(Vertx vertx) {
    FrameLoopVerticle server = start(vertx, 30_000, "frameloop.drain-held");
    int port = server.actualPort();
    Buffer frame = Images.fixture("coffee-640x480.jpg");
    try (CapturedLog log = CapturedLog.from(Level.INFO); FrameClient client = FrameClient.connect(vertx, port)) {
      assertThat(Http.get(port, "/health/ready").statusCode()).as("ready before the drain").isEqualTo(200);
      client.usePipeline(slow(1500));
      client.sendFramed(1, 0, frame); // in its worker at the close
      client.sendFramed(2, 0, frame); // waiting for it
      client.nextStats(stats -> stats.getInteger("pending") == 2);
      client.arrivals(); // what came before the drain
      Future<Void> closed = stop(vertx, server);

      JsonObject goaway = client.next("goaway");
      assertThat(goaway).isEqualTo(new JsonObject().put("type", "goaway").put("reason", "restart").put("reconnectAfterMs", 0));
      // While it drains: no new session, readiness DOWN, and the probe says why.
      HttpResponse<String> upgrade = Http.get(port, "/frames");
      assertThat(upgrade.statusCode()).isEqualTo(503);
      assertThat(upgrade.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(upgrade.body()).contains("restarting");
      assertThat(Metrics.scrape(port).value("frameloop_sessions_rejected_total{reason=\"draining\"}")).isEqualTo(1.0);
      HttpResponse<String> ready = Http.get(port, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(check(new JsonObject(ready.body()), "accepting").getString("status")).isEqualTo("DOWN");
      assertThat(Http.get(port, "/health/live").statusCode()).as("draining is alive").isEqualTo(200);

      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(2);
      Await.await(closed);
      Wait.until("the session is closed", client::isClosed);
      assertThat(client.closeStatus()).isEqualTo(CloseCodes.SERVICE_RESTART);
      assertThat(client.closeReason()).isEqualTo(FrameSession.DRAINED_REASON);
      assertThat(client.arrivals()).as("goaway first, then the held frames' answers")
        .containsExactly("goaway", "binary", "binary");
      assertThat(log.messages(Level.WARNING)).as("a normal drain warns of nothing").isEmpty();
    }
  }

  @Test
  void undeployingTheVerticleDrainsTooItsWorkersWaitingForTheSessions(Vertx vertx) {
    // Vert.x stops the verticle's children (the workers) before the verticle: they wait for the drain.
    FrameLoopVerticle server = start(vertx, 30_000, "frameloop.drain-undeploy");
    Buffer frame = Images.fixture("coffee-640x480.jpg");
    try (FrameClient client = FrameClient.connect(vertx, server.actualPort())) {
      client.usePipeline(slow(1500));
      client.sendFramed(1, 0, frame);
      client.sendFramed(2, 0, frame);
      client.nextStats(stats -> stats.getInteger("pending") == 2);
      client.arrivals();
      Await.await(vertx.undeploy(server.deploymentID()));
      Wait.until("the session is closed", client::isClosed);
      assertThat(client.closeStatus()).isEqualTo(CloseCodes.SERVICE_RESTART);
      assertThat(client.closeReason()).isEqualTo(FrameSession.DRAINED_REASON);
      assertThat(client.arrivals()).containsExactly("goaway", "binary", "binary");
    }
  }

  @Test
  void anIdleSessionClosesWith1012RightAfterGoaway(Vertx vertx) {
    FrameLoopVerticle server = start(vertx, 30_000, "frameloop.drain-idle");
    try (FrameClient client = FrameClient.connect(vertx, server.actualPort())) {
      client.arrivals();
      Await.await(stop(vertx, server));
      Wait.until("the session is closed", client::isClosed);
      assertThat(client.closeStatus()).isEqualTo(CloseCodes.SERVICE_RESTART);
      assertThat(client.arrivals()).containsExactly("goaway");
    }
  }

  @Test
  void theCloseCompletesWhenTheGraceEndsClosingWhatIsLeftWith1012(Vertx vertx) {
    FrameLoopVerticle server = start(vertx, 300, "frameloop.drain-grace");
    int port = server.actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(slow(8000)); // far past the grace
      client.sendFramed(1, 0, Images.fixture("coffee-640x480.jpg"));
      client.nextStats(stats -> stats.getInteger("pending") == 1);
      Await.await(stop(vertx, server));
      Wait.until("the session is closed", client::isClosed);
      assertThat(client.closeStatus()).isEqualTo(CloseCodes.SERVICE_RESTART);
      assertThat(client.closeReason()).isEqualTo(FrameSession.GRACE_OVER_REASON);
      assertThat(client.pendingBinary()).as("the frame past the grace got no answer").isZero();
    }
  }

  @Test
  void withoutGraceEverySessionClosesAtOnceWith1001AsBefore(Vertx vertx) {
    FrameLoopVerticle server = start(vertx, 0, "frameloop.drain-none");
    try (FrameClient client = FrameClient.connect(vertx, server.actualPort())) {
      client.usePipeline(slow(3000));
      client.sendFramed(1, 0, Images.fixture("coffee-640x480.jpg"));
      client.nextStats(stats -> stats.getInteger("pending") == 1);
      client.arrivals();
      Await.await(stop(vertx, server));
      Wait.until("the session is closed", client::isClosed);
      assertThat(client.closeStatus()).isEqualTo(CloseCodes.GOING_AWAY);
      assertThat(client.arrivals()).doesNotContain("goaway", "binary");
    }
  }

  private static JsonObject check(JsonObject health, String id) {
    List<Object> checks = health.getJsonArray("checks").getList();
    return checks.stream().map(c -> c instanceof JsonObject json ? json : new JsonObject((Map<String, Object>) c))
      .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow(() -> new AssertionError("no check " + id + " in " + health));
  }
}
