package com.example.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.client.FrameLoopClient;
import io.frameloop.protocol.InboundFrame;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The app on a free loopback port, as a user of it sees it: its own routes answer beside FrameLoop's,
 * and a real photo streamed through a real WebSocket comes back processed by BlazeFace, whose model
 * the installed models artifact provides.
 */
@ExtendWith(VertxExtension.class)
class AppTest {

  private static final String MODEL = "io/frameloop/models/blazeface/face_detection_front_128x128.onnx";
  private static final long WAIT_SECONDS = 30;

  private App app;

  @BeforeEach
  void start(Vertx vertx) {
    app = App.start(vertx, "127.0.0.1", 0).await();
  }

  @AfterEach
  void stop() {
    app.close().await();
  }

  @Test
  void theAppsOwnPageAndRouteAnswerBesideFrameLoopsPage(Vertx vertx) {
    HttpClient http = vertx.createHttpClient();
    JsonObject status = new JsonObject(get(http, "/api/status"));
    assertThat(status.getString("app")).isEqualTo("embedded-app");
    assertThat(status.getInteger("sessions")).isZero();
    assertThat(get(http, "/")).contains("The app's own page");
    assertThat(get(http, "/video/")).as("FrameLoop's page under the app's prefix").contains("<html");
    assertThat(get(http, "/video/frameloop.json")).contains("frames");
  }

  @Test
  void aPhotoComesBackWithItsFaceFramedByBlazeFaceFromTheModelsArtifact(Vertx vertx) throws Exception {
    URL model = getClass().getClassLoader().getResource(MODEL);
    assertThat(model).as("the model on the class path").isNotNull();
    assertThat(model.toString()).as("from the models artifact, not the library jar").contains("frameloop-0.1.0-SNAPSHOT-models.jar");

    BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    BlockingQueue<InboundFrame> frames = new LinkedBlockingQueue<>();
    FrameLoopClient client = FrameLoopClient.create(vertx).messageHandler(messages::add).frameHandler(frames::add);
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port()).setURI("/video/frames")).await();
    try {
      JsonObject faces = op(client.hello().getJsonArray("ops"), "faces");
      assertThat(faces.getBoolean("available")).isTrue();
      assertThat(faces.getJsonObject("models").getJsonObject("blazeface").getBoolean("available"))
        .as("hello: %s", faces.encode()).isTrue();

      client.sendPipeline(new JsonObject().put("ops", new JsonArray().add(new JsonObject().put("op", "faces"))).put("quality", 95));
      JsonObject answer = next(messages, "pipeline", "error");
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("pipeline");
      JsonObject echoed = answer.getJsonArray("ops").getJsonObject(0);
      assertThat(echoed.getString("model")).as("the default model").isEqualTo("blazeface");
      assertThat(echoed.fieldNames()).as("BlazeFace's parameters only").contains("minScore").doesNotContain("minNeighbors");

      Buffer photo = fixture("astronaut-640x480.jpg");
      client.sendFrame(1, 42, photo);
      InboundFrame reply = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(reply).as("a processed frame within %d s", WAIT_SECONDS).isNotNull();
      assertThat(reply.header().sequence()).isEqualTo(1);
      assertThat(reply.header().timestamp()).isEqualTo(42);
      BufferedImage sent = ImageIO.read(new ByteArrayInputStream(photo.getBytes()));
      BufferedImage processed = ImageIO.read(new ByteArrayInputStream(reply.jpeg().getBytes()));
      assertThat(processed.getWidth()).isEqualTo(640);
      assertThat(processed.getHeight()).isEqualTo(480);
      // The faces op draws a green rectangle, 2 pixels wide, around the astronaut's face (about 121 pixels across).
      assertThat(greenPixels(processed) - greenPixels(sent)).as("green pixels added").isGreaterThan(400);
      // FrameLoop copies ONNX Runtime's libraries into its cache once and points ONNX Runtime there,
      // instead of ONNX Runtime extracting them into a /tmp/onnxruntime-java* directory it leaves behind.
      assertThat(System.getProperty("onnxruntime.native.path")).as("where ONNX Runtime loaded its libraries from")
        .contains("/frameloop/onnxruntime-");
    } finally {
      client.close().await();
    }
  }

  /** The body of a GET of {@code path}, which must answer 200. */
  private String get(HttpClient http, String path) {
    // The body read in the same chain as the response, on its event loop: none of it goes by unread.
    HttpResponse response = http.request(HttpMethod.GET, app.port(), "127.0.0.1", path)
      .compose(request -> request.send())
      .compose(answer -> answer.body().map(body -> new HttpResponse(answer.statusCode(), body.toString())))
      .await();
    assertThat(response.status()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  private record HttpResponse(int status, String body) {
  }

  private static JsonObject op(JsonArray ops, String name) {
    return ops.stream().map(JsonObject.class::cast).filter(op -> op.getString("op").equals(name)).findFirst()
      .orElseThrow(() -> new AssertionError("no op " + name + " in " + ops.encode()));
  }

  /** The next JSON message of one of {@code types}, skipping the others (hello, stats). */
  private static JsonObject next(BlockingQueue<JsonObject> messages, String... types) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      JsonObject message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (message != null && List.of(types).contains(message.getString("type"))) {
        return message;
      }
    }
    throw new AssertionError("no " + String.join(" or ", types) + " message within " + WAIT_SECONDS + " s");
  }

  private static Buffer fixture(String name) throws IOException {
    try (InputStream in = AppTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return Buffer.buffer(in.readAllBytes());
    }
  }

  /** Pixels that are clearly green: the colour the faces op draws with. */
  private static int greenPixels(BufferedImage image) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int red = rgb >> 16 & 0xFF;
        int green = rgb >> 8 & 0xFF;
        int blue = rgb & 0xFF;
        if (green > 180 && red < 100 && blue < 100) {
          count++;
        }
      }
    }
    return count;
  }
}
