package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.ImageLimits;
import io.frameloop.session.SessionOptions;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.TestServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misspelt configuration keys (flat, or in an owner's object, or under the wrong owner) are named in
 * a warning with the closest known key, the same from every way in and once each; the rest of the
 * environment is not.
 */
@ExtendWith(VertxExtension.class)
class ConfigKeysTest {

  @Test
  void theKnownKeysAreTheOptionsSettersAndTheShortcuts() {
    assertThat(ConfigKeys.KNOWN).contains("maxSessions", "maxFps", "authJwtSecret", "managementToken", "clusterTlsCaPath",
      "host", "port", "tlsCertPath", "httpServerOptions", "pipeline", "webroot", "jpegCodec", "maxOps");
    assertThat(ConfigKeys.KNOWN).doesNotContain("sessionOptions", "authOptions", "routeOptions");
    // Every key of the built-in defaults is known (their flat form: the nested one names the owners).
    assertThat(ConfigKeys.KNOWN).containsAll(ConfigAliases.flatten(new FrameLoopOptions().toJson()).fieldNames());
    assertThat(ConfigKeys.suggestion("maxFsp")).contains("'maxFps'");
    assertThat(ConfigKeys.suggestion("authJwtSecrte")).contains("'authJwtSecret'");
    assertThat(ConfigKeys.suggestion("somethingElseEntirely")).isEmpty();
  }

  @Test
  void aMisspeltKeyInTheFileIsWarnedAboutAndTheEnvironmentIsNot(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), new JsonObject().put("maxFsp", 5).put("maxSessions", 7).encode());
    CapturedLog log = CapturedLog.from(Level.WARNING);
    FrameLoopOptions options;
    try {
      options = await(ConfigLoader.load(vertx, file.toString()));
    } finally {
      log.close();
    }
    List<String> warnings = log.messages(Level.WARNING);
    assertThat(options.getSessionOptions().getMaxSessions()).isEqualTo(7);
    assertThat(warnings).contains("unknown configuration key 'maxFsp' is ignored (did you mean 'maxFps'?)");
    // Nothing else of the environment or the system properties is taken for a setting.
    assertThat(warnings).filteredOn(w -> w.contains("PATH") || w.contains("java") || w.contains("HOME")).isEmpty();
  }

  /** The warnings logged while {@code action} runs. */
  private static List<String> warningsOf(Runnable action) {
    CapturedLog log = CapturedLog.from(Level.WARNING);
    try {
      action.run();
    } finally {
      log.close();
    }
    return log.messages(Level.WARNING).stream().filter(message -> message.startsWith("unknown configuration key")).toList();
  }

  @Test
  void theJsonConstructorWarnsAboutMisspeltAndMisplacedKeysFlatOrNested() {
    List<String> warnings = warningsOf(() -> new FrameLoopOptions(new JsonObject()
      .put("maxFsp", 5)
      .put("sessionOptions", new JsonObject().put("maxFsp", 5).put("maxSessions", 3))
      .put("routeOptions", new JsonObject().put("maxFps", 1))
      .put("sesionOptions", new JsonObject())));
    assertThat(warnings).containsExactlyInAnyOrder(
      "unknown configuration key 'maxFsp' is ignored (did you mean 'maxFps'?)",
      "unknown configuration key 'sessionOptions.maxFsp' is ignored (did you mean 'sessionOptions.maxFps'?)",
      "unknown configuration key 'routeOptions.maxFps' is ignored (did you mean 'sessionOptions.maxFps'?)",
      "unknown configuration key 'sesionOptions' is ignored (did you mean 'sessionOptions'?)");
    assertThat(warningsOf(() -> new FrameLoopOptions(new FrameLoopOptions().toJson())))
      .as("the options' own JSON, nested, and a copy give none").isEmpty();
    assertThat(warningsOf(() -> new FrameLoopOptions(new FrameLoopOptions()))).isEmpty();
    assertThat(warningsOf(() -> new FrameLoopOptions(ConfigAliases.flatten(new FrameLoopOptions().toJson())))).as("nor the flat form").isEmpty();
  }

  @Test
  void aVerticleWithTwoInstancesWarnsOncePerDeployment(Vertx vertx) {
    JsonObject config = TestServers.options().toJson().put("maxFsp", 5);
    config.getJsonObject("httpServerOptions").put("port", 0);
    List<String> warnings = warningsOf(() -> {
      String deployment = await(vertx.deployVerticle(FrameLoopVerticle.class, new DeploymentOptions().setInstances(2).setConfig(config)));
      await(vertx.undeploy(deployment));
    });
    assertThat(warnings).containsExactly("unknown configuration key 'maxFsp' is ignored (did you mean 'maxFps'?)");
  }

  @Test
  void aMisspeltNestedKeyInTheFileIsWarnedAboutOnce(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), new JsonObject()
      .put("sessionOptions", new JsonObject().put("maxSesions", 5)).encode());
    List<String> warnings = warningsOf(() -> await(ConfigLoader.load(vertx, file.toString())));
    assertThat(warnings).containsExactly(
      "unknown configuration key 'sessionOptions.maxSesions' is ignored (did you mean 'sessionOptions.maxSessions'?)");
  }

  @Test
  void theTopLevelKeysAreFrameLoopOptionsOwnSettersBesideTheOwners() {
    Set<String> setters = new TreeSet<>();
    for (Method method : FrameLoopOptions.class.getMethods()) {
      if (method.getName().startsWith("set") && method.getParameterCount() == 1 && !Modifier.isStatic(method.getModifiers())) {
        setters.add(Introspector.decapitalize(method.getName().substring(3)));
      }
    }
    setters.removeAll(ConfigAliases.OWNERS.keySet());
    assertThat(ConfigAliases.TOP_LEVEL_KEYS).containsExactlyInAnyOrderElementsOf(setters);
    assertThat(ConfigAliases.nestedName("maxFps")).isEqualTo("sessionOptions.maxFps");
    // Every owner's key is one flat key, and no two owners share one.
    int ownersKeys = ConfigAliases.OWNER_KEYS.values().stream().mapToInt(Set::size).sum();
    assertThat(ConfigAliases.FLAT_KEYS).hasSize(ownersKeys + 6); // and host, port, the four tls* shortcuts
    assertThat(ConfigAliases.OWNER_KEYS.get("sessionOptions")).contains("maxFps", "writeQueueMaxBytes").doesNotContain("maxWidth");
    assertThat(ConfigAliases.OWNER_KEYS.get("recordingOptions")).contains("recordDir", "recordMaxBytes");
    assertThat(ConfigAliases.nestedName("port")).isEqualTo("httpServerOptions.port");
  }

  @Test
  void anOwnersOwnJsonConstructorWarnsAboutAMisspeltKey() {
    assertThat(warningsOf(() -> new SessionOptions(new JsonObject().put("maxFsp", 5).put("maxFps", 6))))
      .containsExactly("unknown configuration key 'maxFsp' is ignored (did you mean 'maxFps'?)");
    assertThat(warningsOf(() -> new ImageLimits(new JsonObject().put("maxWidht", 5))))
      .containsExactly("unknown configuration key 'maxWidht' is ignored (did you mean 'maxWidth'?)");
    assertThat(warningsOf(() -> new SessionOptions(new SessionOptions().toJson()))).as("its own JSON gives none").isEmpty();
    assertThat(warningsOf(() -> new SessionOptions(new SessionOptions()))).isEmpty();
  }

  @Test
  void anOwnerGivenAsTextIsCheckedOnce() {
    JsonObject fromEnvironment = ConfigLoader.applyOverrides(new JsonObject(),
      new JsonObject().put("FRAMELOOP_SESSION_OPTIONS", "{\"maxFsp\":5,\"maxSessions\":3}"));
    List<String> warnings = warningsOf(() -> assertThat(new FrameLoopOptions(fromEnvironment).getSessionOptions().getMaxSessions()).isEqualTo(3));
    assertThat(warnings).containsExactly(
      "unknown configuration key 'sessionOptions.maxFsp' is ignored (did you mean 'sessionOptions.maxFps'?)");
    // Text straight into the JSON constructor (a verticle's config) too.
    assertThat(warningsOf(() -> new FrameLoopOptions(new JsonObject().put("imageLimits", "{\"maxWidht\":5}")))).containsExactly(
      "unknown configuration key 'imageLimits.maxWidht' is ignored (did you mean 'imageLimits.maxWidth'?)");
  }
}
