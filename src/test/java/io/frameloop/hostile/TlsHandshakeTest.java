package io.frameloop.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 26, findings 3 and 4: TLS connections left mid-handshake are cut within the header timeout
 * (counted by this process's descriptors), and a TLS 1.2 client cannot renegotiate (the server
 * speaks TLS 1.3 only by default).
 */
@ExtendWith(VertxExtension.class)
class TlsHandshakeTest {

  private static final long HEADER_TIMEOUT_MS = 1_000;

  private static int tlsServer(Vertx vertx) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    return TestServers.start(vertx, TestServers.options(o -> {
      o.getHttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions());
      o.getConnectionLimits().setHeaderTimeoutMs(HEADER_TIMEOUT_MS);
    })).actualPort();
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static SSLContext trustingAnything() throws Exception {
    TrustManager trustAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustAll}, null);
    return context;
  }

  @Test
  void connectionsLeftMidHandshakeAreCutWithinTheHeaderTimeout(Vertx vertx) throws Exception {
    int port = tlsServer(vertx);
    long before = openDescriptors();
    List<Socket> halfDone = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        if (i % 2 == 0) {
          // The start of a ClientHello record, and never the rest.
          socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01});
        }
        halfDone.add(socket);
      }
      // Vert.x's own handshake timeout is 10 s: well after this.
      long deadline = System.nanoTime() + 5 * HEADER_TIMEOUT_MS * 1_000_000;
      for (Socket socket : halfDone) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        InputStream in = socket.getInputStream();
        boolean closed;
        try {
          while (in.read() >= 0) {
            // an alert, then the end
          }
          closed = true;
        } catch (SocketTimeoutException stillOpen) {
          closed = false;
        } catch (IOException reset) {
          closed = true;
        }
        assertThat(closed).as("a half-done handshake closed by the server within 5 header timeouts").isTrue();
      }
      // Our 200 client sockets are still open; the server's 200 are not (held, they would make it 400
      // and more). The slack: event loops that the connections started open descriptors of their own.
      assertThat(openDescriptors() - before).as("descriptors held beside our own 200 sockets").isLessThan(200 + 100);
    } finally {
      for (Socket socket : halfDone) {
        socket.close();
      }
    }
  }

  /** A GET /health on the connection; the status line, or (when {@code last}) the whole answer. */
  private static String health(SSLSocket socket, boolean last) throws IOException {
    socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (last ? "Connection: close\r\n" : "")
      + "\r\n").getBytes(StandardCharsets.US_ASCII));
    if (last) {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
    StringBuilder head = new StringBuilder();
    InputStream in = socket.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.read());
    }
    int length = Integer.parseInt(head.toString().lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
      .map(l -> l.substring(15).trim()).findFirst().orElse("0"));
    in.readNBytes(length);
    return head.toString().lines().findFirst().orElse("");
  }

  @Test
  void aTls12ClientCannotRenegotiate(Vertx vertx) throws Exception {
    int port = tlsServer(vertx);
    SSLContext context = trustingAnything();
    boolean renegotiated;
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.startHandshake();
      assertThat(health(socket, false)).startsWith("HTTP/1.1 200");
      socket.startHandshake(); // a client-initiated renegotiation
      renegotiated = health(socket, true).startsWith("HTTP/1.1 200");
    } catch (IOException refused) {
      // Refused: today at the first handshake (protocol_version), TLS 1.2 being off.
      renegotiated = false;
    }
    assertThat(renegotiated).as("a TLS 1.2 connection renegotiated and served").isFalse();
    // TLS 1.3 is served.
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {"TLSv1.3"});
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }
}
