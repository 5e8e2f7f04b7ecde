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
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 26, finding 14: the server selects {@code frameloop.v1} only when the client offered it
 * (RFC 6455, section 4.2.2: one of the client's), and no subprotocol otherwise.
 */
@ExtendWith(VertxExtension.class)
class SubprotocolSelectionTest {

  /** The response head of an upgrade that offers {@code protocols} (null: no header). */
  private static String upgrade(int port, String protocols) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("GET /frames HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + (protocols == null ? "" : "Sec-WebSocket-Protocol: " + protocols + "\r\n") + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return head.toString(StandardCharsets.US_ASCII);
    }
  }

  private static String selected(String head) {
    return head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-protocol:"))
      .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse(null);
  }

  @Test
  void aClientThatDidNotOfferFrameloopIsNotAnsweredWithIt(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    String head = upgrade(port, "chat, superchat");
    assertThat(head).startsWith("HTTP/1.1 101");
    assertThat(selected(head)).as("subprotocol selected for chat, superchat").isNull();
  }

  @Test
  void frameloopIsSelectedWhenOfferedAmongOthers(Vertx vertx) throws Exception {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    assertThat(selected(upgrade(port, "chat, frameloop.v1"))).isEqualTo("frameloop.v1");
    assertThat(selected(upgrade(port, "frameloop.v1"))).isEqualTo("frameloop.v1");
    String none = upgrade(port, null);
    assertThat(none).startsWith("HTTP/1.1 101");
    assertThat(selected(none)).isNull();
  }
}
