package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @Test
  void projectConfigJsonMatchesTheBuiltInDefaults(Vertx vertx, @TempDir Path dir) throws Exception {
    Path config = Path.of("config.json");
    assertThat(config).as("the project's config.json, from the project root").isRegularFile();
    // The nested form, as toJson writes it.
    JsonObject written = new JsonObject(Files.readString(config));
    assertThat(written.fieldNames()).contains("pipeline", "sessionOptions", "workerOptions");
    JsonObject sessions = written.getJsonObject("sessionOptions");
    assertThat(sessions.fieldNames()).contains("maxFps", "maxSessions");
    assertThat(written.getJsonObject("workerOptions").fieldNames()).contains("workerInstances");
    FrameLoopOptions fromFile = await(ConfigLoader.load(vertx, config.toString()));
    assertThat(fromFile.toJson()).isEqualTo(new FrameLoopOptions().toJson());
    // The same file with one value changed gives that value: the file is read, not skipped.
    Path changed = dir.resolve("config.json");
    JsonObject oneChanged = written.copy();
    oneChanged.getJsonObject("sessionOptions").put("maxFps", sessions.getInteger("maxFps") + 1);
    Files.writeString(changed, oneChanged.encode());
    assertThat(await(ConfigLoader.load(vertx, changed.toString())).getSessionOptions().getMaxFps())
      .isEqualTo(sessions.getInteger("maxFps") + 1);
    // The same file in the flat form (today's keys) gives the same options.
    Path flat = dir.resolve("flat.json");
    JsonObject flatForm = ConfigAliases.flatten(written);
    assertThat(flatForm.fieldNames()).contains("pipeline", "maxFps", "maxSessions", "workerInstances");
    Files.writeString(flat, flatForm.encode());
    assertThat(await(ConfigLoader.load(vertx, flat.toString())).toJson()).isEqualTo(new FrameLoopOptions().toJson());
  }

  @Test
  void fileThenSystemPropertiesOverride(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("frameloop.json");
    Files.writeString(file, new JsonObject().put("port", 9100).put("maxFps", 5).encode());
    System.setProperty("frameloop.maxFps", "12");
    try {
      FrameLoopOptions options = await(ConfigLoader.load(vertx, file.toString()));
      assertThat(options.getHttpServerOptions().getPort()).isEqualTo(9100);
      assertThat(options.getSessionOptions().getMaxFps()).isEqualTo(12);
      assertThat(options.getHttpServerOptions().getHost()).isEqualTo(FrameLoopOptions.DEFAULT_HOST);
    } finally {
      System.clearProperty("frameloop.maxFps");
    }
  }

  @Test
  void missingFileMeansDefaults(Vertx vertx) {
    assertThat(await(ConfigLoader.load(vertx, "no-such-file.json")).toJson()).isEqualTo(new FrameLoopOptions().toJson());
  }

  @Test
  void malformedFileIsAClearError(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{ \"port\": ");
    assertThatThrownBy(() -> await(ConfigLoader.load(vertx, file.toString())))
      .hasMessageContaining("cannot read configuration").hasMessageContaining("broken.json");
  }

  @Test
  void environmentNamesMapToFields() {
    assertThat(ConfigLoader.camelCase("WORKER_INSTANCES")).isEqualTo("workerInstances");
    JsonObject overrides = new JsonObject().put("FRAMELOOP_PORT", 2).put("PATH", "/bin").put("port", 3).put("FRAMELOOP_TOKEN", "t")
      .put("frameloop", new JsonObject().put("maxFps", 9));
    JsonObject config = ConfigLoader.applyOverrides(new JsonObject().put("port", 1).put("host", "::1"), overrides);
    assertThat(config.getInteger("port")).isEqualTo(2);
    assertThat(config.getString("host")).as("a file's key is kept whatever the environment holds").isEqualTo("::1");
    assertThat(config.getInteger("maxFps")).isEqualTo(9);
    assertThat(config.fieldNames()).doesNotContain("PATH", "FRAMELOOP_PORT", "token", "frameloop");
  }

  @Test
  void optionsSurviveAJsonRoundTrip() {
    FrameLoopOptions options = new FrameLoopOptions()
      .setPipeline(pipeline().put("quality", 50));
    options.getHttpServerOptions().setPort(1234);
    options.getSessionOptions().setMaxFps(7);
    options.getWorkerOptions().setAddress("a.b");
    assertThat(new FrameLoopOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
  }

  @Test
  void aLaterSourceWinsWhicheverFormEitherUses(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("frameloop.json");
    Files.writeString(file, new JsonObject().put("sessionOptions", new JsonObject().put("maxFps", 5).put("maxSessions", 4))
      .put("maxWidth", 900).encode());
    System.setProperty("frameloop.maxFps", "12");
    System.setProperty("frameloop.imageLimits.maxWidth", "700");
    try {
      FrameLoopOptions options = await(ConfigLoader.load(vertx, file.toString()));
      assertThat(options.getSessionOptions().getMaxFps()).as("a flat property over the file's nested key").isEqualTo(12);
      assertThat(options.getSessionOptions().getMaxSessions()).isEqualTo(4);
      assertThat(options.getImageLimits().getMaxWidth()).as("a nested property over the file's flat key").isEqualTo(700);
    } finally {
      System.clearProperty("frameloop.maxFps");
      System.clearProperty("frameloop.imageLimits.maxWidth");
    }
    JsonObject overlaid = ConfigLoader.applyOverrides(new JsonObject().put("sessionOptions", new JsonObject().put("maxFps", 5)),
      new JsonObject().put("FRAMELOOP_MAX_FPS", "9"));
    assertThat(new FrameLoopOptions(overlaid).getSessionOptions().getMaxFps()).as("an environment variable too").isEqualTo(9);
  }

  @Test
  void anOwnerGivenAsTextBeatsAnEarlierFlatKeyAndMergesDeeply() {
    JsonObject file = new JsonObject().put("maxFps", 5).put("sessionOptions", new JsonObject().put("maxSessions", 4));
    // As the environment store gives it (raw: text).
    JsonObject config = ConfigLoader.applyOverrides(file, new JsonObject().put("FRAMELOOP_SESSION_OPTIONS", "{\"maxFps\":30}"));
    FrameLoopOptions options = new FrameLoopOptions(config);
    assertThat(options.getSessionOptions().getMaxFps()).as("the later source, though the file's key is flat").isEqualTo(30);
    assertThat(options.getSessionOptions().getMaxSessions()).as("merged into the file's object, as -D values are").isEqualTo(4);
    // And text over an owner given as text before it.
    JsonObject twice = ConfigLoader.applyOverrides(new JsonObject().put("sessionOptions", "{\"maxSessions\":4,\"maxFps\":5}"),
      new JsonObject().put("FRAMELOOP_SESSION_OPTIONS", "{\"maxFps\":30}"));
    assertThat(new FrameLoopOptions(twice).getSessionOptions().getMaxSessions()).isEqualTo(4);
    assertThat(new FrameLoopOptions(twice).getSessionOptions().getMaxFps()).isEqualTo(30);
    // A flat key over an earlier owner given as text.
    JsonObject flatOverText = ConfigLoader.applyOverrides(new JsonObject().put("sessionOptions", "{\"maxFps\":5}"),
      new JsonObject().put("FRAMELOOP_MAX_FPS", "9"));
    assertThat(new FrameLoopOptions(flatOverText).getSessionOptions().getMaxFps()).isEqualTo(9);
  }

  @Test
  void aSystemPropertyOwnerAsTextBeatsTheFilesFlatKey(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("frameloop.json");
    Files.writeString(file, new JsonObject().put("maxFps", 5).put("maxSessions", 4).encode());
    System.setProperty("frameloop.sessionOptions", "{\"maxFps\":30}");
    try {
      FrameLoopOptions options = await(ConfigLoader.load(vertx, file.toString()));
      assertThat(options.getSessionOptions().getMaxFps()).isEqualTo(30);
      assertThat(options.getSessionOptions().getMaxSessions()).isEqualTo(4);
    } finally {
      System.clearProperty("frameloop.sessionOptions");
    }
  }

  @Test
  void aDeepNestedPropertyBeatsTheFilesTlsShortcut(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("frameloop.json");
    Files.writeString(file, new JsonObject().put("tlsCertPath", "file-cert.pem").put("tlsKeyPath", "file-key.pem").encode());
    System.setProperty("frameloop.httpServerOptions.pemKeyCertOptions.certPath", "property-cert.pem");
    try {
      FrameLoopOptions options = await(ConfigLoader.load(vertx, file.toString()));
      assertThat(options.getHttpServerOptions().getKeyCertOptions()).isInstanceOfSatisfying(PemKeyCertOptions.class, pem -> {
        assertThat(pem.getCertPaths()).containsExactly("property-cert.pem");
        assertThat(pem.getKeyPaths()).as("the file's other half stays").containsExactly("file-key.pem");
      });
    } finally {
      System.clearProperty("frameloop.httpServerOptions.pemKeyCertOptions.certPath");
    }
  }
}
