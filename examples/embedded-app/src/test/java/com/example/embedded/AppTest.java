package com.example.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.client.FrameLoopClient;
import io.frameloop.pipeline.ops.faces.FaceOptions;
import io.frameloop.protocol.InboundFrame;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.worker.WorkerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The app on a free loopback port, as a user of it sees it, and each point a new embedder hit
 * (issue 23) checked on it: the app's own routes beside FrameLoop's; faceModel from the options
 * reaching the ops without the secrets; the unknown-key warning of {@code new FrameLoopOptions(json)};
 * a second FrameLoop on an address in use refused; routes gone after close and a new FrameLoop
 * serving on the same router; an app route answering from its own thread; the startup line; the
 * normalized BlazeFace pipeline; no ONNX Runtime directory left in the temporary directory; a pom
 * that builds with only what it declares.
 */
@ExtendWith(VertxExtension.class)
class AppTest {

  private static final String MODEL = "io/frameloop/models/blazeface/face_detection_front_128x128.onnx";
  private static final long WAIT_SECONDS = 30;
  private static final String JWT_SECRET = "the-embedded-apps-jwt-secret-of-at-least-32-bytes";
  private static final String MANAGEMENT_TOKEN = "the-embedded-apps-management-token";

  @Test
  void theAppsOwnPageAndRouteAnswerBesideFrameLoopsPage(Vertx vertx) {
    App app = deploy(vertx, App.frameLoopOptions());
    JsonObject status = new JsonObject(get(vertx, app, "/api/status"));
    assertThat(status.getString("app")).isEqualTo("embedded-app");
    assertThat(status.getInteger("sessions")).isZero();
    assertThat(get(vertx, app, "/")).contains("The app's own page");
    assertThat(get(vertx, app, "/video/")).as("FrameLoop's page under the app's prefix").contains("<html");
    assertThat(get(vertx, app, "/video/frameloop.json")).contains("frames");
  }

  /** Embedder point 1: faceModel set in FrameLoopOptions reaches the ops; no plug-in sees a secret. */
  @Test
  void faceModelSetInTheOptionsReachesTheFacesOpAndNoPlugInSeesASecret(Vertx vertx, @TempDir Path dir) throws Exception {
    // Not a BlazeFace model: if the setting reaches the faces op, hello says BlazeFace cannot load this
    // file; ignored, BlazeFace would load the models artifact's model and be available.
    Path notAModel = Files.write(dir.resolve("not-a-model.onnx"), fixture("astronaut-640x480.jpg").getBytes());
    FrameLoopOptions options = App.frameLoopOptions().setFaceOptions(new FaceOptions().setFaceModel(notAModel.toString()));
    options.getAuthOptions().setAuthJwtSecret(JWT_SECRET).setManagementToken(MANAGEMENT_TOKEN);
    SettingsProbeOpFactory.CONFIGURED_WITH.set(null);
    App app = deploy(vertx, options);

    JsonObject pluginSettings = SettingsProbeOpFactory.CONFIGURED_WITH.get();
    assertThat(pluginSettings).as("the class-path plug-in was configured").isNotNull();
    assertThat(pluginSettings.getString("faceModel")).as("the plug-in's settings: %s", pluginSettings.encode())
      .isEqualTo(notAModel.toString());
    assertThat(pluginSettings.encode()).as("what a plug-in sees")
      .doesNotContain(JWT_SECRET)
      .doesNotContain(MANAGEMENT_TOKEN);

    String token = hs256Token(vertx, JWT_SECRET);
    FrameLoopClient client = FrameLoopClient.create(vertx);
    client.connect(framesSocket(app).addHeader("Authorization", "Bearer " + token)).await();
    try {
      JsonObject faces = op(client.hello().getJsonArray("ops"), "faces");
      JsonObject blazeFace = faces.getJsonObject("models").getJsonObject("blazeface");
      assertThat(blazeFace.getBoolean("available")).as("hello: %s", faces.encode()).isFalse();
      assertThat(blazeFace.getString("reason")).as("the model the faces op tried")
        .contains(notAModel.toString())
        .as("the hint names the nested key, the flat key and the setter")
        .contains("faceOptions.faceModel", "faceModel in flat config", "setFaceModel");
      assertThat(faces.getJsonObject("models").getJsonObject("haar").getBoolean("available")).isTrue();
    } finally {
      client.close().await();
    }
  }

  /** Embedder point 2: {@code new FrameLoopOptions(json)} warns about a misspelt key and a key under the wrong owner. */
  @Test
  void aMisspeltKeyAndAKeyUnderTheWrongOwnerAreWarnedAboutWithTheClosestKey() {
    List<String> warnings;
    FrameLoopOptions misspelt;
    FrameLoopOptions wrongOwner;
    try (CapturedLog log = new CapturedLog()) {
      misspelt = new FrameLoopOptions(new JsonObject().put("maxFsp", 20));
      wrongOwner = new FrameLoopOptions(new JsonObject().put("routeOptions", new JsonObject().put("maxFps", 1)));
      // Only the options' warnings: another test's Vert.x, closing meanwhile, may log its own.
      warnings = log.messages(Level.WARNING).stream().filter(line -> line.startsWith("unknown configuration key")).toList();
    }
    assertThat(warnings).as("one warning per key").containsExactly(
      "unknown configuration key 'maxFsp' is ignored (did you mean 'maxFps'?)",
      "unknown configuration key 'routeOptions.maxFps' is ignored (did you mean 'sessionOptions.maxFps'?)");
    int defaultMaxFps = new FrameLoopOptions().getSessionOptions().getMaxFps();
    assertThat(misspelt.getSessionOptions().getMaxFps()).as("ignored, as the warning says").isEqualTo(defaultMaxFps);
    assertThat(wrongOwner.getSessionOptions().getMaxFps()).isEqualTo(defaultMaxFps);
  }

  /** Embedder point 3: a second FrameLoop on the address in use fails to deploy; with its own address both stream. */
  @Test
  void aSecondAppOnTheSameWorkersAddressFailsToDeployAndWithItsOwnAddressBothStream(Vertx vertx) throws Exception {
    App first = deploy(vertx, App.frameLoopOptions());
    Throwable refused = vertx.deployVerticle(new App("127.0.0.1", 0, App.frameLoopOptions()))
      .map((Throwable) null)
      .otherwise(failure -> failure)
      .await();
    assertThat(refused).as("the second deploy on the default address fails").isNotNull();
    assertThat(refused.getMessage())
      .contains("'" + WorkerOptions.DEFAULT_ADDRESS + "'")
      .contains("already used by another FrameLoop")
      .contains("setAddress");

    FrameLoopOptions ownAddress = App.frameLoopOptions();
    ownAddress.getWorkerOptions().setAddress("embedded-app.second-frameloop");
    App second = deploy(vertx, ownAddress);
    assertThat(streamOnePhoto(vertx, first).header().sequence()).as("the first app's frame").isEqualTo(1);
    assertThat(streamOnePhoto(vertx, second).header().sequence()).as("the second app's frame").isEqualTo(1);
  }

  /**
   * Embedder point 4: after close, FrameLoop's routes are gone (404, not 503, and no page); a new
   * FrameLoop on the same router serves; unmount removes exactly the routes of its mount.
   */
  @Test
  void afterCloseFrameLoopsRoutesAreGoneAndANewFrameLoopOnTheSameRouterServes(Vertx vertx) throws Exception {
    App app = deploy(vertx, App.frameLoopOptions());
    assertThat(get(vertx, app, "/video/")).contains("<html");
    assertThat(upgradeStatus(vertx, app)).as("the frames route before close").isEqualTo(101);

    app.frameLoop().close().await();
    assertThat(upgradeStatus(vertx, app)).as("the frames route after close: gone, not 503").isEqualTo(404);
    assertThat(status(vertx, app, "/video/")).as("no page after close").isEqualTo(404);
    assertThat(status(vertx, app, "/video/frameloop.json")).isEqualTo(404);
    assertThat(status(vertx, app, "/health")).isEqualTo(404);
    assertThat(status(vertx, app, "/metrics")).isEqualTo(404);
    assertThat(status(vertx, app, "/api/status")).as("the app's own route stays").isEqualTo(200);

    FrameLoopOptions restarted = App.frameLoopOptions();
    restarted.getSessionOptions().setMaxSessions(7);
    app.restartFrameLoop(restarted).await();
    assertThat(get(vertx, app, "/video/")).as("the new FrameLoop's page").contains("<html");
    assertThat(status(vertx, app, "/health")).isEqualTo(200);
    FrameLoopClient client = FrameLoopClient.create(vertx);
    client.connect(framesSocket(app)).await();
    try {
      assertThat(client.hello().getJsonObject("limits").getInteger("maxSessions")).as("the new FrameLoop answers").isEqualTo(7);
    } finally {
      client.close().await();
    }
    assertThat(streamOnePhoto(vertx, app).header().sequence()).isEqualTo(1);

    app.removeWebcamPage();
    assertThat(status(vertx, app, "/video/")).as("the page unmounted").isEqualTo(404);
    assertThat(status(vertx, app, "/video/frameloop.json")).isEqualTo(404);
    assertThat(status(vertx, app, "/health")).as("the other mount's routes stay").isEqualTo(200);
    assertThat(status(vertx, app, "/metrics")).isEqualTo(200);
    assertThat(streamOnePhoto(vertx, app).header().sequence()).as("frames still stream").isEqualTo(1);
    assertThat(status(vertx, app, "/api/status")).as("the app's own route stays").isEqualTo(200);
  }

  /**
   * Embedder point 5: the app's own server options with only FrameLoop's WebSocket settings (no
   * strictThreadMode; the server made in a verticle, where Vert.x would apply it): an app route that
   * answers from another thread works, and frames stream.
   */
  @Test
  void anAppRouteAnsweringFromItsOwnThreadWorksBesideStreamingFrames(Vertx vertx) throws Exception {
    App app = deploy(vertx, App.frameLoopOptions());
    String report = get(vertx, app, "/api/report");
    assertThat(report).startsWith("embedded-app report, made on ").doesNotContain("vert.x-eventloop");
    assertThat(streamOnePhoto(vertx, app).jpeg().length()).as("a processed frame").isPositive();
    assertThat(get(vertx, app, "/api/report")).as("after a session").startsWith("embedded-app report, made on ");
  }

  /** Embedder point 6: the startup line says plainly how many frames go to the workers at once. */
  @Test
  void theStartupLineSaysPlainlyHowManyFramesAreInFlight(Vertx vertx) {
    List<String> logged;
    try (CapturedLog log = new CapturedLog()) {
      deploy(vertx, App.frameLoopOptions());
      logged = log.messages(Level.INFO);
    }
    Optional<String> startup = logged.stream().filter(line -> line.startsWith("FrameLoop ") && line.contains(" worker verticle"))
      .findFirst();
    assertThat(startup).as("the startup line among %s", logged).isPresent();
    assertThat(startup.get())
      .doesNotContain("one per worker frames in flight")
      .contains("at most one frame in flight per worker");
  }

  /**
   * The faces op end to end, BlazeFace's model from the models artifact; embedder point 7: the
   * normalized BlazeFace pipeline echoes BlazeFace's parameters only, no Haar one.
   */
  @Test
  void aPhotoComesBackWithItsFaceFramedByBlazeFaceFromTheModelsArtifact(Vertx vertx) throws Exception {
    App app = deploy(vertx, App.frameLoopOptions());
    URL model = getClass().getClassLoader().getResource(MODEL);
    assertThat(model).as("the model on the class path").isNotNull();
    assertThat(model.toString()).as("from the models artifact, not the library jar").contains("frameloop-0.1.0-SNAPSHOT-models.jar");

    BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    BlockingQueue<InboundFrame> frames = new LinkedBlockingQueue<>();
    FrameLoopClient client = FrameLoopClient.create(vertx).messageHandler(messages::add).frameHandler(frames::add);
    client.connect(framesSocket(app)).await();
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
      assertThat(echoed.fieldNames()).as("BlazeFace's parameters only")
        .contains("minScore")
        .doesNotContain("minNeighbors", "scaleFactor", "minSize");

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

  /**
   * Embedder point 8: the app's own main, in a JVM of its own with a temporary directory of its own
   * (in this JVM ONNX Runtime is loaded once, by whichever test comes first, and /tmp is shared with
   * other builds): BlazeFace available, no library in ONNX Runtime's own onnxruntime-java* directory
   * while it runs, and no such directory after it stops.
   */
  @Test
  void theAppStartedAndStoppedInAJvmOfItsOwnLeavesNoOnnxRuntimeDirectory(Vertx vertx, @TempDir Path dir) throws Exception {
    Path temporary = Files.createDirectories(dir.resolve("tmp"));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
      "-Djava.io.tmpdir=" + temporary, "-cp", System.getProperty("java.class.path"), App.class.getName(), "0")
      .redirectOutput(out.toFile())
      .redirectError(err.toFile());
    builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Process run = builder.start();
    try {
      int port = portFrom(out, err, run);
      FrameLoopClient client = FrameLoopClient.create(vertx);
      client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/video/frames")).await();
      try {
        JsonObject faces = op(client.hello().getJsonArray("ops"), "faces");
        assertThat(faces.getJsonObject("models").getJsonObject("blazeface").getBoolean("available"))
          .as("ONNX Runtime loaded in the app's JVM: %s", faces.encode()).isTrue();
      } finally {
        client.close().await();
      }
      // ONNX Runtime still makes its own directory, but, loading the libraries from FrameLoop's cache,
      // copies none into it, and deletes it when the JVM exits.
      for (Path own : onnxRuntimeDirectories(temporary)) {
        try (Stream<Path> files = Files.list(own)) {
          assertThat(files).as("libraries in ONNX Runtime's own %s while the app runs", own).isEmpty();
        }
      }
    } finally {
      run.destroy(); // SIGTERM: the app's shutdown hook closes Vert.x, and with it the app
      boolean exited = run.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        run.destroyForcibly().waitFor();
      }
      assertThat(exited).as("the app stopped within %d s; its log: %s", WAIT_SECONDS, Files.readString(err)).isTrue();
    }
    assertThat(Files.readString(err)).as("the app's log").doesNotContain("Exception");
    assertThat(onnxRuntimeDirectories(temporary)).as("left in the app's temporary directory").isEmpty();
    try (Stream<Path> cached = Files.list(dir.resolve("cache").resolve("frameloop"))) {
      assertThat(cached.map(path -> path.getFileName().toString())).as("ONNX Runtime's libraries in FrameLoop's cache instead")
        .anyMatch(name -> name.startsWith("onnxruntime-"));
    }
  }

  /**
   * Embedder point 9: the pom builds with nothing but what it declares: no parent, no extra
   * repositories, every plugin it names pinned, the compiler plugin at a version that knows {@code <release>}.
   */
  @Test
  void thePomInheritsNothingAndPinsTheCompilerPlugin() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    Element project = pom.getDocumentElement();
    assertThat(project.getElementsByTagName("parent").getLength()).as("a parent pom").isZero();
    assertThat(project.getElementsByTagName("repositories").getLength()).as("repositories of its own").isZero();
    assertThat(project.getElementsByTagName("pluginRepositories").getLength()).isZero();
    assertThat(text(project, "maven.compiler.release")).isEqualTo("17");

    NodeList plugins = project.getElementsByTagName("plugin");
    assertThat(plugins.getLength()).as("plugins named").isGreaterThanOrEqualTo(3);
    String compilerVersion = null;
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      String artifact = text(plugin, "artifactId");
      assertThat(text(plugin, "version")).as("%s's version", artifact).isNotBlank();
      if (artifact.equals("maven-compiler-plugin")) {
        compilerVersion = text(plugin, "version");
      }
    }
    assertThat(compilerVersion).as("the compiler plugin pinned").isNotNull();
    String[] parts = compilerVersion.split("\\.");
    int major = Integer.parseInt(parts[0]);
    int minor = Integer.parseInt(parts[1]);
    assertThat(major > 3 || major == 3 && minor >= 6).as("compiler plugin %s knows <release> (3.6 and later)", compilerVersion).isTrue();
  }

  private static String text(Element parent, String tag) {
    NodeList found = parent.getElementsByTagName(tag);
    return found.getLength() == 0 ? null : found.item(0).getTextContent().trim();
  }

  /** The app deployed with {@code options} on a free loopback port; Vert.x undeploys it after the test. */
  private static App deploy(Vertx vertx, FrameLoopOptions options) {
    App app = new App("127.0.0.1", 0, options);
    vertx.deployVerticle(app).await();
    return app;
  }

  private static WebSocketConnectOptions framesSocket(App app) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port()).setURI("/video/frames");
  }

  /** The photo through the app's default pipeline (resize to 700 wide, mirror), and its reply. */
  private static InboundFrame streamOnePhoto(Vertx vertx, App app) throws Exception {
    BlockingQueue<InboundFrame> frames = new LinkedBlockingQueue<>();
    FrameLoopClient client = FrameLoopClient.create(vertx).frameHandler(frames::add);
    client.connect(framesSocket(app)).await();
    try {
      client.sendFrame(1, 0, fixture("astronaut-640x480.jpg"));
      InboundFrame reply = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(reply).as("a processed frame within %d s", WAIT_SECONDS).isNotNull();
      assertThat(ImageIO.read(new ByteArrayInputStream(reply.jpeg().getBytes())).getWidth()).as("resized").isEqualTo(700);
      return reply;
    } finally {
      client.close().await();
    }
  }

  /** The status a WebSocket upgrade to the frames path gets refused with, or 101 when it is accepted. */
  private static int upgradeStatus(Vertx vertx, App app) {
    FrameLoopClient client = FrameLoopClient.create(vertx);
    Throwable refused = client.connect(framesSocket(app))
      .compose(connected -> client.close().map((Throwable) null))
      .otherwise(failure -> failure)
      .await();
    if (refused == null) {
      return 101;
    }
    assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
    return ((UpgradeRejectedException) refused).getStatus();
  }

  private record HttpResponse(int status, String body) {
  }

  private static HttpResponse request(Vertx vertx, App app, String path) {
    HttpClient http = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(app.port()).setURI(path)
      .setIdleTimeout(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)); // a response never written fails instead of hanging
    // The body read in the same chain as the response, on its event loop: none of it goes by unread.
    try {
      return http.request(options)
        .compose(request -> request.send())
        .compose(answer -> answer.body().map(body -> new HttpResponse(answer.statusCode(), body.toString())))
        .await();
    } finally {
      http.close();
    }
  }

  /** The body of a GET of {@code path}, which must answer 200. */
  private static String get(Vertx vertx, App app, String path) {
    HttpResponse response = request(vertx, app, path);
    assertThat(response.status()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  private static int status(Vertx vertx, App app, String path) {
    return request(vertx, app, path).status();
  }

  private static String hs256Token(Vertx vertx, String secret) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    JsonObject claims = new JsonObject().put("sub", "embedded-app-test").put("exp", System.currentTimeMillis() / 1000 + 3600);
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }

  /** The port the forked app prints once it listens. */
  private static int portFrom(Path out, Path err, Process run) throws Exception {
    String prefix = "embedded-app on http://127.0.0.1:";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && run.isAlive()) {
      Optional<String> line = Files.readAllLines(out).stream().filter(l -> l.startsWith(prefix)).findFirst();
      if (line.isPresent()) {
        String rest = line.get().substring(prefix.length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the app printed no port (alive: " + run.isAlive() + "); its log: " + Files.readString(err));
  }

  private static List<Path> onnxRuntimeDirectories(Path temporary) throws IOException {
    try (Stream<Path> entries = Files.list(temporary)) {
      return entries.filter(path -> path.getFileName().toString().startsWith("onnxruntime-java")).toList();
    }
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
