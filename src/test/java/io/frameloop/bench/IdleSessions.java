package io.frameloop.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Opens N idle FrameLoop sessions (plain sockets: the handshake, then nothing) and holds them
 * until its standard input closes or says "close": the idle half of the 10,000-session benchmark
 * ({@code bench/idle-sessions}). Prints "open N in S s" once they are all open.
 *
 * <pre>bench/run io.frameloop.bench.IdleSessions 127.0.0.1 8190 10000</pre>
 */
public final class IdleSessions {

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    List<Socket> sockets = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      sockets.add(open(host, port));
    }
    System.out.printf("open %d in %.2f s%n", count, (System.nanoTime() - start) / 1e9);
    System.out.flush();
    // Hold them: drain what the server sends (hello, stats) on one thread, until told to stop.
    Thread reader = new Thread(() -> drain(sockets));
    reader.setDaemon(true);
    reader.start();
    while (System.in.read() >= 0) {
      // "close" or end of input ends the run
    }
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  private static Socket open(String host, int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 10_000);
    socket.setSoTimeout(10_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    OutputStream out = socket.getOutputStream();
    out.write(("GET /frames HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
      .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake after " + head);
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("refused: " + head.toString().lines().findFirst().orElse(""));
    }
    return socket;
  }

  private static void drain(List<Socket> sockets) {
    byte[] buffer = new byte[65536];
    while (true) {
      for (Socket socket : sockets) {
        try {
          InputStream in = socket.getInputStream();
          int available = in.available();
          if (available > 0) {
            in.read(buffer, 0, Math.min(buffer.length, available));
          }
        } catch (IOException e) {
          // a closed session stays closed
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
