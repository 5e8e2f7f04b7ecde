package io.frameloop.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for tests that play a hostile client: it sends what it
 * likes and reads only when the test says so (a Vert.x client always reads, and answers pings).
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** Connects to {@code path} on loopback and completes the handshake (reads the 101 answer). */
  public static RawWebSocket connect(int port, String path) throws IOException {
    return connect(port, path, 0);
  }

  /** @param receiveBufferBytes the socket's receive buffer (a slow reader's small window); 0 for the system's */
  public static RawWebSocket connect(int port, String path, int receiveBufferBytes) throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes); // before connecting: it sets the TCP window
    }
    socket.connect(new InetSocketAddress("127.0.0.1", port), 20_000);
    socket.setSoTimeout(20_000);
    RawWebSocket ws = new RawWebSocket(socket);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    String head = ws.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("handshake refused: " + head.lines().findFirst().orElse(head));
    }
    return ws;
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Sends one final, masked frame (as a client must). */
  public void send(int opcode, byte[] payload) throws IOException {
    out.write(frame(opcode, payload, true));
  }

  /** Sends bytes as they are, e.g. many {@link #frame}s joined, in one write. */
  public void sendRaw(byte[] frames) throws IOException {
    out.write(frames);
  }

  /**
   * Sends these frames in one write: they reach the server in one read, so its event loop handles
   * them all before any task it started for the first (e.g. a decode) reports back.
   */
  public void sendTogether(int opcode, List<byte[]> payloads) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] payload : payloads) {
      all.writeBytes(frame(opcode, payload, true));
    }
    sendRaw(all.toByteArray());
  }

  /** One masked frame; {@code last} false for a fragment that more continuation frames follow. */
  public static byte[] frame(int opcode, byte[] payload, boolean last) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((last ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame.toByteArray();
  }

  /**
   * Reads frames until a close frame, and returns its status code; -1 when the connection ends
   * without one.
   */
  public int readUntilClose() throws IOException {
    for (Message message = readMessage(); message != null; message = readMessage()) {
      if (message.opcode() == CLOSE) {
        byte[] payload = message.payload();
        return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
      }
    }
    return -1;
  }

  /** One whole message from the server (continuation frames joined). */
  public record Message(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  /** Reads the next message (blocking, up to the socket's timeout); null at the end of the stream. */
  public Message readMessage() throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    int opcode = -1;
    while (true) {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      int second = in.read();
      long length = second & 0x7F;
      if (length == 126) {
        length = (in.read() << 8) | in.read();
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | in.read();
        }
      }
      if (opcode < 0 || (first & 0x0F) != 0) {
        opcode = first & 0x0F;
      }
      payload.write(in.readNBytes((int) length));
      if ((first & 0x80) != 0) {
        return new Message(opcode, payload.toByteArray());
      }
    }
  }

  /** Whether the server has closed the connection (a read sees its end, or it was reset). */
  public boolean closedByServer(int waitMillis) {
    try {
      socket.setSoTimeout(waitMillis);
      while (in.read() >= 0) {
        // drain what the server sent before it closed
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** Vanishes: the connection is reset (RST, SO_LINGER 0), as when a client's process dies or its network drops. */
  public void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
