package io.frameloop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's configuration order, end to end through the command line in a JVM of its own:
 * built-in defaults, then the file (--config), then -Dframeloop.*, then FRAMELOOP_* variables,
 * then --host/--port. Each layer sets something the next one overrides, and what the client sees
 * (the hello's limits, the port, the origin check) shows which value won.
 */
@ExtendWith(VertxExtension.class)
class ServeCommandTest {

  @Test
  void eachSourceOverridesTheOneBefore(Vertx vertx, @TempDir Path dir) throws Exception {
    int envPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      envPort = socket.getLocalPort();
    }
    Path config = dir.resolve("frameloop.json");
    Files.writeString(config, new JsonObject().put("port", 1).put("maxOps", 3).put("maxFps", 5).put("idleTimeoutSeconds", 33)
      .put("maxSessions", 9).put("workerInstances", 1).encode());
    Map<String, String> environment = Map.of(
      "FRAMELOOP_MAX_FPS", "7",
      "FRAMELOOP_MAX_SESSIONS", "8",
      "FRAMELOOP_PORT", Integer.toString(envPort),
      "FRAMELOOP_ALLOWED_ORIGINS", "https://app.example,https://other.example");
    List<String> properties = List.of("-Dframeloop.maxOps=4", "-Dframeloop.maxFps=6");
    try (ForkedServer server = ForkedServer.start("serve-command-test", "256m", environment, properties, config.toString())) {
      assertThat(server.log()).contains("FrameLoop listening on http://127.0.0.1:" + server.port() + "/");
      try (FrameClient client = FrameClient.connect(vertx, server.port(), Map.of("Origin", "https://other.example"))) {
        JsonObject limits = client.hello().getJsonObject("limits");
        assertThat(limits.getInteger("idleTimeoutSeconds")).as("from the file").isEqualTo(33);
        assertThat(limits.getInteger("maxOps")).as("the system property over the file").isEqualTo(4);
        assertThat(limits.getInteger("maxFps")).as("the environment over the property").isEqualTo(7);
        assertThat(limits.getInteger("maxSessions")).as("the environment over the file").isEqualTo(8);
        assertThat(limits.getInteger("maxMessageBytes")).as("built in").isEqualTo(4 * 1024 * 1024);
        client.sendFramed(1, 0, Images.leftRedRightBlue());
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
      }
      // The comma-separated list from the environment replaced the default origins.
      assertThatThrownBy(() -> FrameClient.connect(vertx, server.port(), Map.of("Origin", "http://localhost:3000")))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
      // --port over FRAMELOOP_PORT: nothing listens on the environment's port.
      assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", envPort).close()).isInstanceOf(java.net.ConnectException.class);
    }
  }

  @Test
  void aBadValueFromTheEnvironmentStopsStartUpNamingTheKey(@TempDir Path dir) {
    assertThatThrownBy(() -> ForkedServer.start("serve-command-bad-env", "256m", Map.of("FRAMELOOP_MAX_OPS", "0"), List.of(),
      dir.resolve("none.json").toString()))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not start");
    assertThat(Path.of("target", "serve-command-bad-env.log")).content()
      .contains("FrameLoop failed to start").contains("maxOps must be between 1 and 256, got 0");
  }
}
