package io.frameloop.endtoend.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.RawWebSocket;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's configuration table, for the settings no other test changes: each one changed, and its effect seen by a client. */
@ExtendWith(VertxExtension.class)
class ConfigurationTest {

  @Test
  void emptyMetricsAndHealthPathsAreNotServed(Vertx vertx) {
    int port = TestServers.start(vertx, new FrameLoopOptions(TestServers.options().toJson()
      .put("metricsPath", "").put("healthPath", ""))).actualPort();
    assertThat(Http.get(port, "/metrics").statusCode()).isEqualTo(404);
    assertThat(Http.get(port, "/health").statusCode()).isEqualTo(404);
    int other = TestServers.start(vertx, new FrameLoopOptions(TestServers.options().toJson()
      .put("metricsPath", "/ops/prometheus").put("healthPath", "/ops/alive").put("address", "frameloop.paths"))).actualPort();
    assertThat(Http.get(other, "/ops/prometheus").body()).contains("frameloop_sessions_active");
    assertThat(new JsonObject(Http.get(other, "/ops/alive").body()).getString("status")).isEqualTo("UP");
  }

  @Test
  void allowedOriginsStarAllowsAnyOrigin(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getRouteOptions().setAllowedOrigins(List.of("*")))).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port, Map.of("Origin", "https://anywhere.example"))) {
      assertThat(client.hello().getString("type")).isEqualTo("hello");
    }
  }

  @Test
  void theWebrootIsTheDirectoryThePageComesFrom(Vertx vertx) throws Exception {
    Path webroot = Path.of("target", "configuration-test-webroot");
    Files.createDirectories(webroot);
    Files.writeString(webroot.resolve("index.html"), "<p>my own page</p>");
    int port = TestServers.start(vertx, TestServers.options(o -> o.getRouteOptions().setWebroot(webroot.toString()))).actualPort();
    assertThat(Http.get(port, "/").body()).isEqualTo("<p>my own page</p>");
    // An absolute path works as well.
    int absolute = TestServers.start(vertx, TestServers.options(o -> {
      o.getRouteOptions().setWebroot(webroot.toAbsolutePath().toString()).setFramesPath("/frames2");
      o.getWorkerOptions().setAddress("frameloop.absolute-webroot"); // beside the first FrameLoop: its own workers
    })).actualPort();
    assertThat(Http.get(absolute, "/").body()).isEqualTo("<p>my own page</p>");
    assertThat(Http.get(port, "/app.js").statusCode()).as("the default page's script is not there").isEqualTo(404);
    // The client library is FrameLoop's, not the page's: there for the app's own page to import.
    assertThat(Http.get(port, "/frameloop-client.js").body()).as("the built-in client library")
      .isEqualTo(Files.readString(Path.of("webroot", "frameloop-client.js")));
    assertThat(Http.get(port, "/adaptive-constants.json").statusCode()).isEqualTo(200);
  }

  @Test
  void idleHttpConnectionsAreClosedAfterTheHttpIdleTimeout(Vertx vertx) throws Exception {
    // The header timeout (which also closes a keep-alive connection that sends nothing) is far
    // longer than the test: only httpServerOptions.idleTimeout can close this one in time.
    JsonObject config = TestServers.options().toJson().put("headerTimeoutMs", 120_000);
    config.getJsonObject("httpServerOptions").put("idleTimeout", 1);
    int port = TestServers.start(vertx, new FrameLoopOptions(config)).actualPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      while (in.read() >= 0) {
        // the rest of the response, then the end when the server closes the idle connection
      }
    }
  }

  @Test
  void aClientThatNeverAnswersTheCloseFrameIsCutAfterTheClosingTimeout(Vertx vertx) throws Exception {
    // The session closes itself after 1 s idle; the client never answers the close frame.
    JsonObject config = TestServers.options(o -> o.getSessionOptions().setIdleTimeoutSeconds(1)).toJson();
    config.getJsonObject("httpServerOptions").put("webSocketClosingTimeout", 1).put("idleTimeout", 300);
    int port = TestServers.start(vertx, new FrameLoopOptions(config)).actualPort();
    try (RawWebSocket silent = RawWebSocket.connect(port, "/frames")) {
      assertThat(silent.readUntilClose()).as("the idle close frame").isEqualTo(1000);
      assertThat(silent.closedByServer(20_000)).as("connection cut without the client's close frame").isTrue();
    }
  }
}
