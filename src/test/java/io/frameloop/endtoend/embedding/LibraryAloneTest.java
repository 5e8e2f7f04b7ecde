package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.inference.OnnxRuntime;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Http;
import io.frameloop.testing.Wait;
import io.frameloop.video.VideoSupport;
import io.frameloop.web.HeadlessChromiumAccess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * FrameLoop embedded in an app of its own, in a JVM with the library and its required
 * dependencies only: the optional ones (Hazelcast for a cluster, picocli for the command line, ONNX
 * Runtime for the neural ops, bytedeco FFmpeg for video) and the models of the runnable jar are left off the class path, as
 * Maven leaves them off an app that depends on the library.
 */
@ExtendWith(VertxExtension.class)
class LibraryAloneTest {

  @Test
  void anAppKeepsItsOwnPageAndRoutesAndFrameLoopsPageStreamsUnderItsPrefix(Vertx vertx, @TempDir Path dir) throws Exception {
    Path webroot = Files.createDirectories(dir.resolve("webroot"));
    Files.writeString(webroot.resolve("index.html"), "<p>the app's own page</p>");
    Files.writeString(webroot.resolve("app.js"), "// the app's own script");
    List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(entry -> !entry.contains("hazelcast") && !entry.contains("picocli") && !entry.contains("onnxruntime")
        && !entry.contains("bytedeco") && !entry.endsWith(Path.of("src", "main", "models").toString())).toList();
    assertThat(classPath).hasSizeLessThan(System.getProperty("java.class.path").split(File.pathSeparator).length);
    Path out = dir.resolve("stdout.txt");
    Path err = Path.of("target", "library-alone-app.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
      "-cp", String.join(File.pathSeparator, classPath), EmbeddedApp.class.getName(), webroot.toString())
      .redirectOutput(out.toFile()).redirectError(err.toFile());
    Path cache = dir.resolve("cache");
    builder.environment().put("XDG_CACHE_HOME", cache.toString());
    Process app = builder.start();
    try {
      int port = awaitPort(app, out, err);
      assertThat(Http.get(port, "/").body()).isEqualTo("<p>the app's own page</p>");
      assertThat(Http.get(port, "/app.js").body()).isEqualTo("// the app's own script");
      assertThat(Http.get(port, "/api/status").body()).isEqualTo("app is up");
      assertThat(Http.get(port, "/video/app.js").body()).contains("FrameLoop page");
      try (FrameClient client = FrameClient.connect(vertx, port, "/video/frames")) {
        JsonArray ops = client.hello().getJsonArray("ops");
        // Without FFmpeg, hello says video is unavailable and why: the page sends JPEG.
        assertThat(client.hello().getJsonObject("video").getString("unavailable")).isEqualTo(VideoSupport.MISSING);
        assertThat(ops.stream().map(op -> ((JsonObject) op).getString("op"))).contains("negative", "resize", "faces", "anonymize");
        // Without ONNX Runtime, the face ops run the Haar cascade and say why BlazeFace is unavailable.
        JsonObject faces = ops.stream().map(JsonObject.class::cast).filter(op -> op.getString("op").equals("faces")).findFirst().orElseThrow();
        assertThat(faces.getBoolean("available")).isTrue();
        assertThat(faces.getJsonObject("models").getJsonObject("blazeface").getString("reason")).isEqualTo(OnnxRuntime.MISSING);
        client.usePipeline(pipeline(op("anonymize")));
        client.sendFramed(1, 0, Images.fixture("astronaut-640x480.jpg"));
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).as("anonymized with haar").isEqualTo(1);
      }
      HeadlessChromiumAccess.streams("http://127.0.0.1:" + port + "/video/", "/video/frames");
      assertThat(Files.readAllLines(out)).as("the app's own line only: the library prints nothing").containsExactly("APP LISTENING " + port);
      // OpenCV's native library is copied once into the user's cache, not extracted anew at every start.
      try (var cached = Files.list(cache.resolve("frameloop"))) {
        assertThat(cached.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("libopencv_java490-");
      }
    } finally {
      app.destroy();
      app.waitFor();
    }
  }

  private static int awaitPort(Process app, Path out, Path err) throws Exception {
    // Null while the app starts; empty once the app has died: the port never comes, the wait ends.
    OptionalInt port;
    try {
      port = Wait.forValue("the app's APP LISTENING line", Duration.ofSeconds(60), Duration.ofMillis(100), () -> {
        String listening = Files.readAllLines(out).stream().filter(l -> l.startsWith("APP LISTENING ")).findFirst().orElse(null);
        if (listening != null) {
          return OptionalInt.of(Integer.parseInt(listening.substring("APP LISTENING ".length()).trim()));
        }
        return app.isAlive() ? null : OptionalInt.empty();
      });
    } catch (AssertionError notStarted) {
      throw new AssertionError("the app did not start:\n" + appLog(err), notStarted);
    }
    if (port.isEmpty()) {
      throw new AssertionError("the app did not start:\n" + appLog(err));
    }
    return port.getAsInt();
  }

  private static String appLog(Path err) throws IOException {
    return Files.readAllLines(err).stream().collect(Collectors.joining("\n"));
  }
}
