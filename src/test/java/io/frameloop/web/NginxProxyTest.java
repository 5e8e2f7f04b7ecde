package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.ClusterCerts;
import io.frameloop.testing.Nginx;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27, part 1: FrameLoop behind Debian's nginx running the documented {@code docs/nginx.conf}
 * (TLS terminated at nginx with a test certificate, the {@code /vision/} prefix, the WebSocket
 * upgrade forwarded). nginx connects to the server from 127.0.0.2 and the browser to nginx from
 * 127.0.0.1, so the server's log tells which one it took for the client.
 */
@ExtendWith(VertxExtension.class)
class NginxProxyTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String NGINX_ADDRESS = "127.0.0.2";
  /** docs/nginx.conf's {@code limit_conn frameloop_per_client}. */
  private static final int PER_CLIENT_CONNECTIONS = 10;

  private static Nginx nginx(int serverPort, ClusterCerts certs) {
    return Nginx.builder().upstream(serverPort).tls(certs.cert("localhost"), certs.key("localhost"))
      .sourceAddress(NGINX_ADDRESS).start();
  }

  private static String sessionLine(CapturedLog log, int nth) {
    return Wait.forValue("the session's client line", Duration.ofSeconds(20), Wait.EVERY, () -> {
      List<String> lines = log.messages(Level.FINE).stream().filter(m -> m.startsWith("session id=")).toList();
      return lines.size() >= nth ? lines.get(nth - 1) : null;
    });
  }

  @Test
  void thePageOverHttpsUnderThePrefixStreamsProcessedFramesAndTheServerSeesTheBrowser(Vertx vertx, @TempDir Path dir)
    throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "localhost");
    int port = TestServers.start(vertx, TestServers.options(o -> o.setTrustedProxies(List.of(NGINX_ADDRESS + "/32"))))
      .actualPort();
    try (CapturedLog log = CapturedLog.from(Level.FINE); Nginx nginx = nginx(port, certs);
         HeadlessChromium browser = new HeadlessChromium(true)) {
      assertThat(nginx.siteConfig()).as("the documented configuration runs")
        .contains(Files.readString(Nginx.DOCUMENTED_CONFIG).lines().filter(l -> l.contains("proxy_read_timeout")).findFirst()
          .orElseThrow())
        .contains("proxy_set_header Connection $connection_upgrade;", "proxy_bind " + NGINX_ADDRESS);
      browser.driver().get(nginx.url());
      browser.waitFor("the page connects through nginx", WAIT, d -> browser.text("connection").equals("connected"));
      assertThat(browser.framesUrl()).isEqualTo(nginx.framesUrl());
      browser.click("start");
      browser.waitFor("processed frames through nginx", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 10);
      assertThat(sessionLine(log, 1)).as("the browser's address from X-Forwarded-For, nginx's as the peer")
        .isEqualTo("session id=1 client=127.0.0.1 (via " + NGINX_ADDRESS + ")");
    }
  }

  @Test
  void throughNginxASpoofedForwardedForGivesNoOtherIdentityAndAForeignHostIsRefused(Vertx vertx, @TempDir Path dir)
    throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "localhost");
    int port = TestServers.start(vertx, TestServers.options(o -> o.setTrustedProxies(List.of(NGINX_ADDRESS + "/32"))))
      .actualPort();
    try (CapturedLog log = CapturedLog.from(Level.FINE); Nginx nginx = nginx(port, certs)) {
      String host = "Host: 127.0.0.1:" + nginx.port() + "\r\n";
      // nginx appends the address it saw to what the client wrote: the rightmost untrusted one is the client.
      assertThat(head(nginx, certs, "/vision/frames", host + "X-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.7\r\n"
        + "X-Forwarded-Host: localhost\r\n")).startsWith("HTTP/1.1 101");
      assertThat(sessionLine(log, 1)).isEqualTo("session id=1 client=127.0.0.1 (via " + NGINX_ADDRESS + ")");
      // DNS rebinding through the proxy: nginx forwards the name the browser asked for, and it is checked.
      assertThat(head(nginx, certs, "/vision/frames", "Host: evil.example\r\n")).startsWith("HTTP/1.1 421");
      assertThat(head(nginx, certs, "/vision/", "Host: evil.example\r\nX-Forwarded-Host: localhost\r\n"))
        .startsWith("HTTP/1.1 421");
      assertThat(head(nginx, certs, "/vision/app.js", host)).startsWith("HTTP/1.1 200");
      assertThat(head(nginx, certs, "/vision", host)).as("the prefix without its slash").startsWith("HTTP/1.1 301")
        .containsIgnoringCase("Location: /vision/\r\n");
    }
  }

  @Test
  void withoutTrustedProxiesTheServerTakesNginxForTheClient(Vertx vertx, @TempDir Path dir) throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "localhost");
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (CapturedLog log = CapturedLog.from(Level.FINE); Nginx nginx = nginx(port, certs)) {
      assertThat(head(nginx, certs, "/vision/frames", "Host: 127.0.0.1:" + nginx.port() + "\r\n"))
        .startsWith("HTTP/1.1 101");
      assertThat(sessionLine(log, 1)).as("X-Forwarded-For ignored").isEqualTo("session id=1 client=" + NGINX_ADDRESS);
    }
  }

  @Test
  void nginxBoundsOneAddresssConnectionsAtOnceAsDocumented(Vertx vertx, @TempDir Path dir) throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "localhost");
    FrameLoopVerticle server = TestServers.start(vertx, TestServers.options(o -> o.setTrustedProxies(List.of(NGINX_ADDRESS))));
    assertThat(Files.readString(Nginx.DOCUMENTED_CONFIG)).contains("limit_conn frameloop_per_client " + PER_CLIENT_CONNECTIONS + ";");
    try (Nginx nginx = nginx(server.actualPort(), certs)) {
      String host = "Host: 127.0.0.1:" + nginx.port() + "\r\n";
      List<SSLSocket> sessions = new ArrayList<>();
      try {
        for (int i = 0; i < PER_CLIENT_CONNECTIONS; i++) {
          SSLSocket socket = open(nginx, certs, "/vision/frames", host);
          sessions.add(socket);
          assertThat(readHead(socket.getInputStream())).as("session %d", i + 1).startsWith("HTTP/1.1 101");
        }
        Wait.until("the server holds every session", Duration.ofSeconds(20),
          () -> server.frameLoop().sessionCount() == PER_CLIENT_CONNECTIONS);
        assertThat(head(nginx, certs, "/vision/frames", host)).as("one more from the same address").startsWith("HTTP/1.1 429");
        assertThat(server.frameLoop().sessionCount()).isEqualTo(PER_CLIENT_CONNECTIONS);
        sessions.remove(0).close();
        Wait.until("nginx lets one go", Duration.ofSeconds(20), () -> server.frameLoop().sessionCount() < PER_CLIENT_CONNECTIONS);
        assertThat(head(nginx, certs, "/vision/frames", host)).as("room again").startsWith("HTTP/1.1 101");
      } finally {
        for (SSLSocket socket : sessions) {
          socket.close();
        }
      }
    }
  }

  /** The response head to one GET through nginx over TLS (an upgrade to /frames paths), trusting the test CA. */
  private static String head(Nginx nginx, ClusterCerts certs, String path, String headers) throws Exception {
    try (SSLSocket socket = open(nginx, certs, path, headers)) {
      return readHead(socket.getInputStream());
    }
  }

  /** A TLS connection to nginx that has sent one GET (an upgrade to /frames paths), trusting the test CA. */
  private static SSLSocket open(Nginx nginx, ClusterCerts certs, String path, String headers) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream ca = Files.newInputStream(certs.ca())) {
      trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", nginx.port());
    socket.setSoTimeout(20_000);
    String upgrade = path.endsWith("/frames") ? "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" : "Connection: close\r\n";
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\n" + headers + upgrade + "\r\n")
      .getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      head.write(b);
      String text = head.toString(StandardCharsets.US_ASCII);
      if (text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
