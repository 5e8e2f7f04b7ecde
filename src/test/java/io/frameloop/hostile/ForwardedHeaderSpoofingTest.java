package io.frameloop.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 27: forwarded headers ({@code X-Forwarded-For}, {@code -Host}, {@code -Proto}, {@code Forwarded})
 * are believed from {@code trustedProxies} only. A client that connects directly cannot name itself
 * anyone else, nor pass the Host check with a spoofed {@code X-Forwarded-Host}; from a trusted proxy
 * the rightmost untrusted address is the client, and the forwarded host is what the Host and Origin
 * checks see. Who the server saw is read from its log (the session's {@code client=} line).
 */
@ExtendWith(VertxExtension.class)
class ForwardedHeaderSpoofingTest {

  private static final Duration LOG_WAIT = Duration.ofSeconds(10);

  /** The status of one request with these header lines, sent from {@code localAddress}, on a socket of its own. */
  private static int status(int port, String localAddress, String path, String headers) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(20_000);
      String upgrade = path.equals("/frames") ? "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" : "Connection: close\r\n";
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\n" + headers + upgrade + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
        line.write(b);
      }
      String statusLine = line.toString(StandardCharsets.US_ASCII);
      assertThat(statusLine).as("status line of %s", path).startsWith("HTTP/1.1 ");
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  private static String sessionLine(CapturedLog log, int nth) {
    return Wait.forValue("the session's client line", LOG_WAIT, Wait.EVERY, () -> {
      List<String> lines = log.messages(Level.FINE).stream().filter(m -> m.startsWith("session id=")).toList();
      return lines.size() >= nth ? lines.get(nth - 1) : null;
    });
  }

  @Test
  void withoutTrustedProxiesADirectClientsForwardedHeadersAreIgnored(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (CapturedLog log = CapturedLog.from(Level.FINE)) {
      assertThat(status(port, "127.0.0.1", "/frames", "Host: 127.0.0.1:" + port + "\r\nX-Forwarded-For: 203.0.113.9\r\n"
        + "Forwarded: for=198.51.100.1\r\n")).isEqualTo(101);
      assertThat(sessionLine(log, 1)).isEqualTo("session id=1 client=127.0.0.1")
        .doesNotContain("203.0.113.9", "198.51.100.1");
    }
    // A rebinding page's Host with a forwarded loopback name: the Host is checked, the header ignored.
    for (String path : List.of("/frames", "/", "/metrics")) {
      assertThat(status(port, "127.0.0.1", path, "Host: evil.example\r\nX-Forwarded-Host: localhost\r\n"
        + "Forwarded: host=localhost\r\n")).as("spoofed forwarded host on %s", path).isEqualTo(421);
    }
  }

  @Test
  void aPeerOutsideTheTrustedNetworksIsItselfTheClient(Vertx vertx) throws Exception {
    // 127.0.0.2 is trusted; this client connects from 127.0.0.3.
    int port = TestServers.start(vertx, TestServers.options(o -> o.setTrustedProxies(List.of("127.0.0.2/32")))).actualPort();
    try (CapturedLog log = CapturedLog.from(Level.FINE)) {
      assertThat(status(port, "127.0.0.3", "/frames", "Host: 127.0.0.1:" + port + "\r\nX-Forwarded-For: 203.0.113.9\r\n"))
        .isEqualTo(101);
      assertThat(sessionLine(log, 1)).isEqualTo("session id=1 client=127.0.0.3");
    }
    assertThat(status(port, "127.0.0.3", "/", "Host: evil.example\r\nX-Forwarded-Host: localhost\r\n")).isEqualTo(421);
  }

  @Test
  void fromATrustedProxyTheRightmostUntrustedAddressIsTheClient(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.setTrustedProxies(List.of("127.0.0.0/8")))).actualPort();
    String host = "Host: 127.0.0.1:" + port + "\r\n";
    try (CapturedLog log = CapturedLog.from(Level.FINE)) {
      // The client wrote 6.6.6.6 itself; the first proxy appended who it saw, a second (trusted) one its own peer.
      assertThat(status(port, "127.0.0.2", "/frames", host + "X-Forwarded-For: 6.6.6.6, 198.51.100.7, 127.0.0.9\r\n"))
        .isEqualTo(101);
      assertThat(sessionLine(log, 1)).isEqualTo("session id=1 client=198.51.100.7 (via 127.0.0.2)");
      // RFC 7239, with a port and IPv6, two header lines.
      assertThat(status(port, "127.0.0.2", "/frames", host + "Forwarded: for=6.6.6.6\r\n"
        + "Forwarded: for=\"[2001:db8::17]:4711\";proto=https, for=127.0.0.9\r\n")).isEqualTo(101);
      assertThat(sessionLine(log, 2)).isEqualTo("session id=2 client=2001:db8::17 (via 127.0.0.2)");
      // A proxy that sets X-Forwarded-For passes the client's own Forwarded on: X-Forwarded-For is believed.
      assertThat(status(port, "127.0.0.2", "/frames", host + "Forwarded: for=6.6.6.7\r\nX-Forwarded-For: 198.51.100.8\r\n"))
        .isEqualTo(101);
      assertThat(sessionLine(log, 3)).isEqualTo("session id=3 client=198.51.100.8 (via 127.0.0.2)");
      // Every address trusted: the leftmost is the client.
      assertThat(status(port, "127.0.0.2", "/frames", host + "X-Forwarded-For: 127.0.0.5\r\n")).isEqualTo(101);
      assertThat(sessionLine(log, 4)).isEqualTo("session id=4 client=127.0.0.5 (via 127.0.0.2)");
      // What is no address goes into no log as sent.
      assertThat(status(port, "127.0.0.2", "/frames", host + "X-Forwarded-For: client=1.2.3.4 admin\r\n")).isEqualTo(101);
      assertThat(sessionLine(log, 5)).isEqualTo("session id=5 client=invalid (via 127.0.0.2)");
    }
  }

  @Test
  void fromATrustedProxyTheForwardedHostAndSchemeAreWhatTheHostAndOriginChecksSee(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> {
      o.setTrustedProxies(List.of("127.0.0.1"));
      o.getRouteOptions().setAllowedHosts(List.of("vision.example.com"));
    })).actualPort();
    String backend = "Host: 127.0.0.1:" + port + "\r\n";
    for (String path : List.of("/frames", "/", "/metrics")) {
      assertThat(status(port, "127.0.0.1", path, backend + "X-Forwarded-Host: evil.example\r\n"))
        .as("a rebinding name the proxy was asked for, on %s", path).isEqualTo(421);
      assertThat(status(port, "127.0.0.1", path, backend + "Forwarded: host=evil.example;proto=https\r\n"))
        .as("the same in Forwarded, on %s", path).isEqualTo(421);
      assertThat(status(port, "127.0.0.1", path, "Host: evil.example\r\nX-Forwarded-Host: vision.example.com\r\n"))
        .as("the public name, whatever Host the proxy sent, on %s", path).isIn(101, 200);
    }
    String publicPage = backend + "X-Forwarded-Host: vision.example.com\r\nX-Forwarded-Proto: https\r\n";
    assertThat(status(port, "127.0.0.1", "/frames", publicPage + "Origin: https://vision.example.com\r\n"))
      .as("the page's own public origin").isEqualTo(101);
    assertThat(status(port, "127.0.0.1", "/frames", publicPage + "Origin: http://vision.example.com\r\n"))
      .as("the public name over another scheme is another origin").isEqualTo(403);
    assertThat(status(port, "127.0.0.1", "/frames", publicPage + "Origin: https://other.example.com\r\n"))
      .as("another site").isEqualTo(403);
    assertThat(status(port, "127.0.0.1", "/frames", backend + "X-Forwarded-Host: vision.example.com\r\n"
      + "Origin: https://vision.example.com\r\n")).as("a proxy that names no scheme: any scheme of the public host").isEqualTo(101);
  }

  @Test
  void anEntryThatIsNoAddressOrCidrIsRefusedByName() {
    for (String bad : List.of("nginx.internal", "10.0.0.0/33", "10.0.0.0/x", "", "::1/129")) {
      assertThatThrownBy(() -> new FrameLoopOptions().setTrustedProxies(List.of(bad))).as(bad)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trustedProxies");
    }
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("trustedProxies", "10.0.0.0/8, proxy")))
      .hasMessageContaining("trustedProxies").hasMessageContaining("proxy");
    // As an environment variable gives it: a comma-separated list.
    assertThat(new FrameLoopOptions(new JsonObject().put("trustedProxies", "10.0.0.0/8, 127.0.0.1, fd00::/8"))
      .getTrustedProxies()).containsExactly("10.0.0.0/8", "127.0.0.1", "fd00::/8");
    assertThat(new FrameLoopOptions().getTrustedProxies()).as("the default trusts nobody").isEmpty();
  }
}
