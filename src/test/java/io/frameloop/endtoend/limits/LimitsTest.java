package io.frameloop.endtoend.limits;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every configurable limit, each against a real server. */
@ExtendWith(VertxExtension.class)
class LimitsTest {

  @Test
  void oversizedMessageClosesTheSessionWith1009(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxMessageBytes(64 * 1024))).actualPort();
    try (FrameClient bystander = FrameClient.connect(vertx, port)) {
      FrameClient big = FrameClient.connect(vertx, port);
      big.sendFramed(1, 0, Images.jpeg(Images.canvas(8, 8, Images.RED, null, null)).appendBuffer(Buffer.buffer(new byte[100_000])));
      big.awaitClosed();
      assertThat(big.closeStatus()).isEqualTo((short) 1009);
      assertThat(big.closeReason()).isNotBlank();

      bystander.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(bystander.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  @Test
  void aSingleWebSocketFrameFarOverTheLimitIsCutOffByTheTransport(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxMessageBytes(64 * 1024))).actualPort();
    try (FrameClient bystander = FrameClient.connect(vertx, port)) {
      FrameClient big = FrameClient.connect(vertx, port);
      // One frame (the client's frame limit is 16 MiB) over maxMessageBytes plus 64 KiB.
      big.sendBinary(Buffer.buffer(new byte[64 * 1024 + 64 * 1024 + 1000]));
      big.awaitClosed();
      assertThat(big.closeStatus()).isEqualTo((short) 1006);

      bystander.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(bystander.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  @Test
  void aPipelineOverMaxOpsIsRefusedAndTheSessionKeepsItsPipeline(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getPipelineLimits().setMaxOps(3))).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject gray = op("gray");
      client.usePipeline(pipeline(gray, gray, gray));
      JsonObject refused = client.setPipeline(pipeline(gray, gray, gray, gray));
      assertThat(refused.getString("code")).isEqualTo("bad_pipeline");
      assertThat(refused.getString("message")).contains("too many ops: 4").contains("at most 3");
      assertThat(client.hello().getJsonObject("limits").getInteger("maxOps")).isEqualTo(3);
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(Images.decode(FrameFormat.decode(client.nextBinary()).jpeg()).channels()).as("still the grey pipeline").isEqualTo(1);
    }
  }

  @Test
  void imageDeclaringHugeDimensionsIsRefusedBeforeDecoding(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      Buffer tiny = Images.jpeg(Images.canvas(16, 16, Images.BLUE, null, null));
      Buffer bomb = Images.withDeclaredSize(tiny, 60000, 60000);
      assertThat(bomb.length()).isLessThan(2000);
      client.sendFramed(5, 0, bomb);
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getLong("seq")).isEqualTo(5);
      assertThat(error.getString("message")).contains("60000x60000").contains("limit");

      client.sendFramed(6, 0, Images.withDeclaredSize(tiny, 5000, 100));
      assertThat(client.next("error").getString("message")).contains("5000x100");

      client.sendFramed(7, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(7);
    }
  }

  @Test
  void maxPixelsAloneRefusesFramesAndPipelinesWithinWidthAndHeight(Vertx vertx) {
    // Width and height allow 4096x4096; only the pixel count (one under 640x480) can refuse.
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.getImageLimits().setMaxWidth(4096).setMaxHeight(4096).setMaxPixels(640L * 480 - 1);
      o.setPipeline(pipeline(op("flip")));
    })).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendFramed(1, 0, Images.fixture("coffee-640x480.jpg"));
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_frame");
      assertThat(error.getLong("seq")).isEqualTo(1);
      assertThat(error.getString("message")).contains("640x480").contains("307199 pixels");

      // A wide, short frame with fewer pixels passes.
      client.sendFramed(2, 0, Images.jpeg(Images.canvas(1000, 100, Images.BLUE, null, null)));
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(2);

      // A frame within the limits that the pipeline would enlarge past the pixel count: refused
      // from its header, naming the step.
      JsonObject answer = client.setPipeline(pipeline(op("resize").put("width", 1000)));
      assertThat(answer.getString("type")).isEqualTo("pipeline");
      client.sendFramed(3, 0, Images.jpeg(Images.canvas(600, 400, Images.BLUE, null, null)));
      JsonObject enlarged = client.next("error");
      assertThat(enlarged.getString("code")).isEqualTo("bad_frame");
      assertThat(enlarged.getLong("seq")).isEqualTo(3);
      assertThat(enlarged.getString("message")).contains("resize").contains("307199 pixels");
    }
  }

  @Test
  void framesOverTheRateLimitAreDroppedAsRateLimited(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(5))).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      Buffer frame = Images.jpeg(Images.canvas(64, 48, Images.BLUE, null, null));
      for (int seq = 1; seq <= 40; seq++) {
        client.sendFramed(seq, 0, frame);
      }
      JsonObject stats = client.quietStats(40);
      // A burst of one second's worth (5) passes; nearly all of the rest is refused.
      assertThat(stats.getJsonObject("dropped").getLong("rate_limited")).isBetween(30L, 35L);
      assertThat(stats.getLong("in")).isEqualTo(stats.getLong("out") + stats.getLong("droppedTotal") + stats.getLong("errors"));
      assertThat(client.hello().getJsonObject("limits").getInteger("maxFps")).isEqualTo(5);
    }
  }

  @Test
  void sessionsOverTheLimitAreRefusedWith503(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxSessions(2))).actualPort();
    FrameClient first = FrameClient.connect(vertx, port);
    try (FrameClient second = FrameClient.connect(vertx, port)) {
      assertThatThrownBy(() -> FrameClient.connect(vertx, port))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(503));
      first.close();
      Wait.until("a session admitted once the first one closed", FrameClient.TIMEOUT, Duration.ofMillis(50), () -> tryConnect(vertx, port));
    }
  }

  @Test
  void idleSessionIsClosedWithAReason(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setIdleTimeoutSeconds(1))).actualPort();
    FrameClient client = FrameClient.connect(vertx, port);
    client.awaitClosed();
    assertThat(client.closeStatus()).isEqualTo((short) 1000);
    assertThat(client.closeReason()).contains("idle");
  }

  @Test
  void foreignOriginsAreRefusedBeforeTheUpgrade(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    assertThatThrownBy(() -> FrameClient.connect(vertx, port, Map.of("Origin", "https://evil.example")))
      .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    assertThatThrownBy(() -> FrameClient.connect(vertx, port, Map.of("Origin", "null")))
      .isInstanceOf(UpgradeRejectedException.class);
    // The page's own origin, and localhost on any port, are allowed by default.
    FrameClient.connect(vertx, port, Map.of("Origin", "http://127.0.0.1:" + port)).close();
    FrameClient.connect(vertx, port, Map.of("Origin", "http://localhost:3000")).close();

    int configured = TestServers.start(vertx, TestServers.options(o -> {
      o.getRouteOptions().setAllowedOrigins(List.of("https://app.example.com"));
      o.getWorkerOptions().setAddress("frameloop.origins");
    })).actualPort();
    FrameClient.connect(vertx, configured, Map.of("Origin", "https://app.example.com")).close();
    assertThatThrownBy(() -> FrameClient.connect(vertx, configured, Map.of("Origin", "http://localhost:3000")))
      .isInstanceOf(UpgradeRejectedException.class);
  }

  @Test
  void controlMessagesOverTheLimitOrOfTheWrongShapeGetErrors(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxTextMessageBytes(1024))).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.sendText("{\"type\":\"pipeline\",\"padding\":\"" + "x".repeat(2000) + "\"}");
      assertThat(client.next("error").getString("message")).contains("too large").contains("1024");
      // Fewer characters than the limit, more bytes: 600 three-byte characters.
      client.sendText("{\"type\":\"pipeline\",\"padding\":\"" + "\u20ac".repeat(600) + "\"}");
      assertThat(client.next("error").getString("message")).contains("too large");

      client.sendJson(new JsonObject().put("type", 5));
      assertThat(client.next("error").getString("code")).isEqualTo("bad_message");
      client.sendJson(new JsonObject().put("type", "pipeline").put("ops", new JsonArray()).put("quality", "high"));
      JsonObject quality = client.next("error");
      assertThat(quality.getString("code")).isEqualTo("bad_pipeline");
      assertThat(quality.getString("message")).contains("quality");
      client.sendJson(new JsonObject().put("type", "pipeline").put("ops", new JsonArray().add("flip")));
      assertThat(client.next("error").getString("message")).contains("ops[0]");

      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  @Test
  void undeployClosesActiveSessionsWith1001(Vertx vertx) {
    FrameLoopVerticle verticle = TestServers.start(vertx, TestServers.options());
    FrameClient a = FrameClient.connect(vertx, verticle.actualPort());
    FrameClient b = FrameClient.connect(vertx, verticle.actualPort());
    a.sendFramed(1, 0, Images.fixture("coffee-640x480.jpg")); // possibly in processing during the shutdown
    await(vertx.undeploy(verticle.deploymentID()));
    for (FrameClient client : List.of(a, b)) {
      client.awaitClosed();
      assertThat(client.closeStatus()).isEqualTo((short) 1001);
      assertThat(client.closeReason()).isEqualTo(FrameLoop.SHUTDOWN_REASON);
    }
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  private static boolean tryConnect(Vertx vertx, int port) {
    try {
      FrameClient.connect(vertx, port).close();
      return true;
    } catch (UpgradeRejectedException e) {
      return false;
    }
  }
}
