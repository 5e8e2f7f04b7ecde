package io.frameloop.client;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.ServerMessages;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;

/** The protocol client against a real server on loopback. */
@ExtendWith(VertxExtension.class)
class FrameLoopClientTest {

  /** What the handlers received, for the test thread to wait on. */
  private final BlockingQueue<InboundFrame> frames = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();

  private FrameLoopClient client(Vertx vertx) {
    return FrameLoopClient.create(vertx).frameHandler(frames::add).messageHandler(messages::add);
  }

  private static WebSocketConnectOptions at(int port) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(FrameLoopClient.PATH);
  }

  @Test
  void connectCompletesWithTheHelloAndAFramedFrameComesBackWithItsHeader(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    FrameLoopClient client = client(vertx);
    await(client.connect(at(port)).compose(connected -> connected.sendFrame(4_000_000_000L, -42L, Images.leftRedRightBlue())));

    JsonObject hello = client.hello();
    assertThat(hello.getInteger("version")).isEqualTo(ServerMessages.PROTOCOL_VERSION);
    assertThat(hello.getJsonArray("ops").stream().map(op -> ((JsonObject) op).getString("op")).toList())
      .contains("resize", "flip", "gray");
    assertThat(next(m -> true)).as("the hello also goes to the message handler").isEqualTo(hello);

    InboundFrame reply = nextFrame();
    assertThat(reply.header().sequence()).isEqualTo(4_000_000_000L);
    assertThat(reply.header().timestamp()).isEqualTo(-42L);
    Mat image = Images.decode(reply.jpeg());
    assertThat(image.cols()).as("the default pipeline resizes to 700 wide").isEqualTo(700);
    image.release();
    await(client.close());
    assertThat(client.isClosed()).isTrue();
  }

  @Test
  void aBadFrameGetsAnErrorNamingItsSequenceAndTheNextFrameIsProcessed(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    FrameLoopClient client = await(client(vertx).connect(at(port)));
    client.sendFrame(7, 0, Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, 5, 6}));
    client.sendFrame(8, 0, Images.leftRedRightBlue());

    JsonObject error = next(m -> m.getString("type").equals("error"));
    assertThat(error.getString("code")).isEqualTo(ServerMessages.BAD_FRAME);
    assertThat(error.getLong("seq")).isEqualTo(7L);
    assertThat(nextFrame().header().sequence()).isEqualTo(8L);
    await(client.close());
  }

  @Test
  void pipelineAndPerFrameTimings(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    FrameLoopClient client = await(client(vertx).connect(at(port)));
    JsonObject gray = pipeline(op("gray")).put("quality", 60);
    await(client.sendPipeline(gray).compose(v -> client.setTimings(true)));

    JsonObject pipeline = next(m -> m.getString("type").equals("pipeline"));
    assertThat(pipeline.getJsonArray("ops")).isEqualTo(gray.getJsonArray("ops"));
    assertThat(pipeline.getInteger("quality")).isEqualTo(60);
    assertThat(next(m -> m.getString("type").equals("timings")).getBoolean("enabled")).isTrue();

    client.sendFrame(5, 0, Images.leftRedRightBlue());
    Mat image = Images.decode(nextFrame().jpeg());
    assertThat(image.channels()).as("gray").isEqualTo(1);
    image.release();
    JsonObject stats = next(m -> m.getString("type").equals("stats") && !m.getJsonArray("timings", new JsonArray()).isEmpty());
    assertThat(stats.getJsonArray("timings").getJsonArray(0).getLong(0)).as("timed frame's sequence").isEqualTo(5L);
    await(client.close());
  }

  @Test
  void theResultsHandlerGetsEachResultsMessageJustBeforeItsImage(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    BlockingQueue<String> order = new LinkedBlockingQueue<>();
    BlockingQueue<JsonObject> results = new LinkedBlockingQueue<>();
    FrameLoopClient client = await(FrameLoopClient.create(vertx)
      .frameHandler(frame -> order.add("image " + frame.header().sequence()))
      .resultsHandler(message -> {
        order.add("results " + message.getLong("seq"));
        results.add(message);
      })
      .messageHandler(message -> {
        if (!message.getString("type").equals("stats")) {
          order.add(message.getString("type"));
        }
        messages.add(message);
      })
      .connect(at(port)));
    await(client.sendPipeline(pipeline(op("faces")).put("reply", "both")));
    assertThat(next(m -> m.getString("type").equals("pipeline")).getString("reply")).isEqualTo("both");
    client.sendFrame(5, 77, Images.fixture("astronaut-640x480.jpg"));
    client.sendFrame(6, 78, Images.fixture("coffee-640x480.jpg"));

    JsonObject face = Wait.take("the astronaut's results", results, Duration.ofSeconds(20), m -> true);
    assertThat(face.getString("type")).isEqualTo("results");
    assertThat(face.getLong("seq")).isEqualTo(5L);
    assertThat(face.getLong("timestamp")).isEqualTo(77L);
    assertThat(face.getInteger("width")).isEqualTo(640);
    JsonArray detections = face.getJsonArray("detections");
    assertThat(detections.size()).isEqualTo(1);
    JsonArray box = detections.getJsonObject(0).getJsonArray("box");
    assertThat(box.getInteger(0) + box.getInteger(2) / 2).as("the box's centre x, near the marked face's")
      .isBetween(Images.ASTRONAUT_FACE.x, Images.ASTRONAUT_FACE.x + Images.ASTRONAUT_FACE.width);
    JsonObject none = Wait.take("the coffee's results", results, Duration.ofSeconds(20), m -> true);
    assertThat(none.getLong("seq")).isEqualTo(6L);
    assertThat(none.getJsonArray("detections")).isEmpty();
    Wait.until("both images", Duration.ofSeconds(20), Duration.ofMillis(20), () -> order.contains("image 6"));
    List<String> arrived = order.stream().filter(kind -> !kind.equals("hello") && !kind.equals("pipeline")).toList();
    assertThat(arrived).as("each frame's results, then its image").containsExactly("results 5", "image 5", "results 6", "image 6");
    assertThat(messages).as("with a results handler, results are not also message-handler messages")
      .noneMatch(m -> m.getString("type").equals("results"));
    await(client.close());
  }

  @Test
  void withoutAResultsHandlerResultsMessagesReachTheMessageHandler(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    FrameLoopClient client = await(client(vertx).connect(at(port)));
    await(client.sendPipeline(pipeline(op("faces")).put("reply", "results")));
    client.sendFrame(9, 0, Images.fixture("astronaut-640x480.jpg"));
    JsonObject results = next(m -> m.getString("type").equals("results"));
    assertThat(results.getLong("seq")).isEqualTo(9L);
    assertThat(results.getJsonArray("detections").size()).isEqualTo(1);
    assertThat(frames.poll(300, TimeUnit.MILLISECONDS)).as("results mode: no image").isNull();
    await(client.close());
  }

  @Test
  void closeHandlerSeesTheServersStatusAndReason(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setIdleTimeoutSeconds(1))).actualPort();
    Promise<Void> closed = Promise.promise();
    FrameLoopClient client = await(client(vertx).closeHandler(closed::tryComplete).connect(at(port)));
    assertThat(client.closeStatusCode()).isNull();

    await(closed.future());
    assertThat(client.isClosed()).isTrue();
    assertThat(client.closeStatusCode()).isEqualTo((short) 1000);
    assertThat(client.closeReason()).contains("idle");
  }

  @Test
  void connectOptionsCarryThePathAndTheHeaders(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getRouteOptions().setFramesPath("/video/frames"))).actualPort();
    assertThatThrownBy(() -> await(client(vertx).connect(at(port))))
      .as("nothing at the default path").isInstanceOf(UpgradeRejectedException.class);
    assertThatThrownBy(() -> await(client(vertx).connect(at(port).setURI("/video/frames").addHeader("Origin", "https://evil.example"))))
      .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));

    FrameLoopClient client = await(client(vertx).connect(at(port).setURI("/video/frames").addHeader("Origin", "http://localhost:3000")));
    assertThat(client.hello().getString("type")).isEqualTo("hello");
    await(client.close());
  }

  @Test
  void sequenceMustFitInTheHeader(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    FrameLoopClient client = await(client(vertx).connect(at(port)));
    for (long sequence : List.of(-1L, 1L << 32)) {
      assertThatThrownBy(() -> client.sendFrame(sequence, 0, Images.leftRedRightBlue()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(sequence));
    }
    await(client.close());
  }

  private InboundFrame nextFrame() throws InterruptedException {
    InboundFrame frame = frames.poll(20, TimeUnit.SECONDS);
    assertThat(frame).as("a frame within 20 s").isNotNull();
    return frame;
  }

  /** The next JSON message that matches; earlier ones (e.g. periodic stats) are skipped. */
  private JsonObject next(Predicate<JsonObject> wanted) {
    return Wait.take("a message as expected", messages, Duration.ofSeconds(20), wanted);
  }
}
