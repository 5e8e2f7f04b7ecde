package io.frameloop.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback that behaves like a slow network link between a client and a server on
 * 127.0.0.1: each direction has a bandwidth, shared by all connections (a link, not a per-socket
 * limit), and an added one-way delay. Data is held back until its last byte would have crossed the
 * link, then written on. Bounded: a connection's reads pause while more than {@link
 * #MAX_QUEUED_BYTES} wait in one direction. {@link #close()} ends everything it opened.
 */
public final class LinkEmulator {

  static final int MAX_QUEUED_BYTES = 1024 * 1024;

  /** One direction of the link: when its line is free again. */
  static final class Line {
    private final double nanosPerByte;
    private long busyUntil;

    Line(double megabitsPerSecond) {
      this.nanosPerByte = megabitsPerSecond <= 0 ? 0 : 8_000.0 / megabitsPerSecond;
    }

    /** Books {@code bytes} on the line; returns when their last byte is across. */
    synchronized long reserve(int bytes, long now) {
      busyUntil = Math.max(now, busyUntil) + Math.round(bytes * nanosPerByte);
      return busyUntil;
    }
  }

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final Line up;
  private final Line down;
  private final long delayNanos;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private LinkEmulator(Vertx vertx, double upMbps, double downMbps, Duration oneWayDelay) {
    this.vertx = vertx;
    this.up = new Line(upMbps);
    this.down = new Line(downMbps);
    this.delayNanos = oneWayDelay.toNanos();
    this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5000));
  }

  /**
   * Listens on a free loopback port and forwards to {@code 127.0.0.1:targetPort}.
   *
   * @param upMbps   client to server, megabits per second (0: unlimited)
   * @param downMbps server to client
   */
  public static Future<LinkEmulator> start(Vertx vertx, int targetPort, double upMbps, double downMbps, Duration oneWayDelay) {
    LinkEmulator link = new LinkEmulator(vertx, upMbps, downMbps, oneWayDelay);
    link.server.connectHandler(socket -> link.accept(socket, targetPort));
    return link.server.listen().map(s -> link);
  }

  public int port() {
    return server.actualPort();
  }

  private void accept(NetSocket from, int targetPort) {
    if (closed) {
      from.close();
      return;
    }
    from.pause();
    sockets.add(from);
    client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
      if (connected.failed() || closed) {
        from.close();
        sockets.remove(from);
        if (connected.succeeded()) {
          connected.result().close();
        }
        return;
      }
      NetSocket to = connected.result();
      sockets.add(to);
      new Pipe(from, to, up).start();
      new Pipe(to, from, down).start();
      from.resume();
    });
  }

  /** One direction of one connection: reads, holds each chunk until it has crossed the link, writes. */
  private final class Pipe {
    private final NetSocket from;
    private final NetSocket to;
    private final Line line;
    private final ArrayDeque<Object[]> queue = new ArrayDeque<>(); // {deliverAt nanos, Buffer}
    private long queuedBytes;
    private long timer = -1;
    private boolean ended;
    private boolean paused;

    Pipe(NetSocket from, NetSocket to, Line line) {
      this.from = from;
      this.to = to;
      this.line = line;
    }

    void start() {
      from.handler(this::onData);
      from.closeHandler(v -> {
        ended = true;
        sockets.remove(from);
        flush();
      });
    }

    private void onData(Buffer data) {
      long now = System.nanoTime();
      queue.add(new Object[] {line.reserve(data.length(), now) + delayNanos, data});
      queuedBytes += data.length();
      if (queuedBytes > MAX_QUEUED_BYTES && !paused) {
        paused = true;
        from.pause();
      }
      schedule();
    }

    private void schedule() {
      if (timer >= 0 || queue.isEmpty() || closed) {
        return;
      }
      long wait = (long) queue.peek()[0] - System.nanoTime();
      timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)), id -> {
        timer = -1;
        flush();
      });
    }

    private void flush() {
      long now = System.nanoTime();
      while (!queue.isEmpty() && (long) queue.peek()[0] <= now) {
        Buffer data = (Buffer) queue.poll()[1];
        queuedBytes -= data.length();
        if (!closed) {
          to.write(data);
        }
      }
      if (paused && queuedBytes < MAX_QUEUED_BYTES / 2) {
        paused = false;
        from.resume();
      }
      if (ended && queue.isEmpty()) {
        to.close(); // what was sent before the close has crossed; now the close does
      } else {
        schedule();
      }
    }
  }

  /** Stops listening and closes every connection it opened or accepted. */
  public Future<Void> close() {
    closed = true;
    return server.close()
      .eventually(() -> Future.join(sockets.stream().map(NetSocket::close).toList()))
      .eventually(client::close)
      .mapEmpty();
  }
}
