package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.CapturedLog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Misspelt configuration keys are named in a warning with the closest known key; the rest of the environment is not. */
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
}
