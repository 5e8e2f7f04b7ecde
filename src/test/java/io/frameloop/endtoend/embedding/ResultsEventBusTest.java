package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.BrightSpotOpFactory;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Tokens;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Rect;

/** The host application gets every session's results on the local event bus, without a browser round trip. */
@ExtendWith(VertxExtension.class)
class ResultsEventBusTest {

  private static final Buffer ASTRONAUT = Images.fixture("astronaut-640x480.jpg");
  private static final Duration QUIET = Duration.ofMillis(400);

  private static BlockingQueue<JsonObject> consume(Vertx vertx, String address) {
    BlockingQueue<JsonObject> published = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(address, message -> published.add(message.body()));
    await(consumer.completion());
    return published;
  }

  private static JsonObject next(BlockingQueue<JsonObject> published) {
    return Wait.take("results on the event bus", published, FrameClient.TIMEOUT, body -> true);
  }

  @Test
  void everyProcessedFramesResultsArePublishedWithTheSessionTenantAndSeqInAnyReplyMode(Vertx vertx) {
    BlockingQueue<JsonObject> published = consume(vertx, FrameLoop.RESULTS_ADDRESS);
    int port = TestServers.start(vertx, TestServers.options(o -> o.getAuthOptions().setAuthJwtSecret(Tokens.SECRET))).actualPort();
    Tokens tokens = Tokens.hs256(vertx, Tokens.SECRET);
    try (FrameClient acme = FrameClient.connect(vertx, port, Map.of("Authorization", "Bearer " + tokens.valid("acme")));
         FrameClient globex = FrameClient.connect(vertx, port, Map.of("Authorization", "Bearer " + tokens.valid("globex")))) {
      acme.usePipeline(pipeline(op("faces")).put("reply", "both"));
      acme.sendFramed(7, 1733300000123L, ASTRONAUT);
      JsonObject sent = acme.next("results");
      JsonObject body = next(published);
      assertThat(body.fieldNames()).containsExactly("session", "tenant", "seq", "timestamp", "results");
      assertThat(body.getString("tenant")).isEqualTo("acme");
      assertThat(body.getLong("seq")).isEqualTo(7);
      assertThat(body.getLong("timestamp")).isEqualTo(1733300000123L);
      // The client's message minus its type, seq and timestamp.
      sent.remove("type");
      sent.remove("seq");
      sent.remove("timestamp");
      assertThat(body.getJsonObject("results")).isEqualTo(sent);
      assertThat(sent.getJsonArray("detections")).hasSize(1);
      String acmeSession = body.getString("session");

      // Image mode too: the host app hears of the faces though the client gets only the image.
      globex.usePipeline(pipeline(op("anonymize")));
      globex.sendFramed(1, 0, ASTRONAUT);
      globex.nextBinary();
      JsonObject other = next(published);
      assertThat(other.getString("tenant")).isEqualTo("globex");
      assertThat(other.getString("session")).isNotEqualTo(acmeSession);
      JsonObject face = other.getJsonObject("results").getJsonArray("detections").getJsonObject(0);
      assertThat(face.getString("op")).isEqualTo("anonymize");
      assertThat(globex.pollJson("results", QUIET)).as("no results message in image mode").isNull();

      // A pipeline with no op that reports: nothing is published.
      globex.usePipeline(pipeline(op("gray")).put("reply", "results"));
      globex.sendFramed(2, 0, ASTRONAUT);
      globex.next("results");
      assertThat(Wait.poll(published, QUIET, b -> true)).isEmpty();
    }
  }

  @Test
  void aPlugInsOwnResultsReachTheHostAppAtTheConfiguredAddressAndABareFrameHasNoSeq(Vertx vertx) {
    BlockingQueue<JsonObject> published = consume(vertx, "app.detections");
    BlockingQueue<JsonObject> atDefault = consume(vertx, FrameLoop.RESULTS_ADDRESS);
    FrameLoopOptions options = TestServers.options(o -> o.setResultsAddress("app.detections"));
    int port = TestServers.start(vertx, options, OpRegistry.withDefaults().register(new BrightSpotOpFactory())).actualPort();
    Buffer spot = Images.jpeg(Images.canvas(640, 480, Images.BLACK, new Rect(100, 300, 20, 20), Images.WHITE));
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      client.usePipeline(pipeline(op("brightspot")));
      client.sendBinary(spot);
      client.nextBinary();
      JsonObject body = next(published);
      assertThat(body.getValue("tenant")).isNull();
      assertThat(body.getValue("seq")).isNull();
      assertThat(body.getValue("timestamp")).isNull();
      JsonObject results = body.getJsonObject("results");
      assertThat(results.getJsonObject("data").getJsonObject("brightspot").getLong("meanBrightness")).isBetween(0L, 3L);
      assertThat(results.getJsonArray("detections").getJsonObject(0).getJsonArray("box").getInteger(0)).isBetween(90, 112);
      assertThat(Wait.poll(atDefault, QUIET, b -> true)).as("nothing at the default address").isEmpty();
    }
  }
}
