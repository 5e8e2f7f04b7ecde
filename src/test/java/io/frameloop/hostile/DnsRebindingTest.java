package io.frameloop.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 26, finding 5: DNS rebinding. A foreign page whose name now points at the server sends
 * {@code Host: evil.example}; the upgrade, the page, /metrics and /health refuse it with 421.
 * Loopback names, IP addresses ([::1] too) and configured names are served.
 */
@ExtendWith(VertxExtension.class)
class DnsRebindingTest {

  private static final List<String> PATHS = List.of("/frames", "/", "/metrics", "/health");

  /** The status of one request sent with this Host header (and the evil page's Origin), on a socket of its own. */
  private static int status(int port, String path, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      String upgrade = path.equals("/frames") ? "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" : "Connection: close\r\n";
      String origin = "http://" + host;
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin + "\r\n"
        + upgrade + "\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
        line.write(b);
      }
      String statusLine = line.toString(StandardCharsets.US_ASCII);
      assertThat(statusLine).as("status line for Host %s on %s", host, path).startsWith("HTTP/1.1 ");
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  @Test
  void aRebindingHostIsRefusedOnTheUpgradeThePageAndTheOperationsEndpoints(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    for (String path : PATHS) {
      assertThat(status(port, path, "evil.example:" + port)).as("evil.example on %s", path).isEqualTo(421);
      assertThat(status(port, path, "evil.example")).as("evil.example without a port on %s", path).isEqualTo(421);
      assertThat(status(port, path, "localhost.evil.example:" + port)).as("a name that only starts like loopback")
        .isEqualTo(421);
      assertThat(status(port, path, "evil.example:80:" + port)).as("a name with two ports (Vert.x: 400)").isIn(400, 421);
    }
  }

  @Test
  void loopbackNamesAndAddressesAreServedIpv6Too(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST.:" + port, "[::1]:" + port, "[::1]",
      "app.localhost:" + port, "192.168.1.20:" + port)) {
      assertThat(status(port, "/frames", host)).as("upgrade with Host %s", host).isEqualTo(101);
      assertThat(status(port, "/", host)).as("page with Host %s", host).isEqualTo(200);
      assertThat(status(port, "/metrics", host)).as("metrics with Host %s", host).isEqualTo(200);
      assertThat(status(port, "/health", host)).as("health with Host %s", host).isEqualTo(200);
    }
  }

  @Test
  void configuredNamesAndNamesUnderADottedEntryAreServed(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getRouteOptions()
      .setAllowedHosts(List.of("frames.example.com", ".cameras.example")))).actualPort();
    for (String host : List.of("frames.example.com:" + port, "FRAMES.example.com", "cameras.example", "a.cameras.example:"
      + port)) {
      for (String path : PATHS) {
        assertThat(status(port, path, host)).as("Host %s on %s", host, path).isIn(101, 200);
      }
    }
    assertThat(status(port, "/frames", "other.example.com:" + port)).isEqualTo(421);
    assertThat(status(port, "/frames", "xcameras.example")).as("not under .cameras.example").isEqualTo(421);
  }

  @Test
  void aStarServesAnyName(Vertx vertx) throws Exception {
    int anyPort = TestServers.start(vertx, TestServers.options(o -> o.getRouteOptions().setAllowedHosts(List.of("*"))))
      .actualPort();
    for (String path : PATHS) {
      assertThat(status(anyPort, path, "evil.example:" + anyPort)).as("allowedHosts * on %s", path).isIn(101, 200);
    }
  }
}
