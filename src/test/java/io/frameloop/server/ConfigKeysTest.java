package io.frameloop.server;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
    // Every key of the built-in defaults is known.
    assertThat(ConfigKeys.KNOWN).containsAll(new FrameLoopOptions().toJson().fieldNames());
    assertThat(ConfigKeys.suggestion("maxFsp")).contains("'maxFps'");
    assertThat(ConfigKeys.suggestion("authJwtSecrte")).contains("'authJwtSecret'");
    assertThat(ConfigKeys.suggestion("somethingElseEntirely")).isEmpty();
  }

  @Test
  void aMisspeltKeyInTheFileIsWarnedAboutAndTheEnvironmentIsNot(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), new JsonObject().put("maxFsp", 5).put("maxSessions", 7).encode());
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(new java.util.logging.SimpleFormatter().formatMessage(record));
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger.getLogger("").addHandler(capture);
    FrameLoopOptions options;
    try {
      options = await(ConfigLoader.load(vertx, file.toString()));
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
    assertThat(options.getSessionOptions().getMaxSessions()).isEqualTo(7);
    assertThat(warnings).contains("unknown configuration key 'maxFsp' is ignored (did you mean 'maxFps'?)");
    // Nothing else of the environment or the system properties is taken for a setting.
    assertThat(warnings).filteredOn(w -> w.contains("PATH") || w.contains("java") || w.contains("HOME")).isEmpty();
  }
}
