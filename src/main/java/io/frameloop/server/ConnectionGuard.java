package io.frameloop.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes HTTP connections that do not send a whole request head within {@code headerTimeoutMs}
 * (headers sent slowly, or nothing) of opening or of their last response (keep-alive), and
 * connections over {@code maxPendingConnections} that are waiting for one: nothing else bounds
 * them before the upgrade but file descriptors. Install it as
 * the server's connection handler and let it see every request first:
 * {@code server.connectionHandler(guard).requestHandler(guard.then(router))}, on a server without
 * h2c ({@link FrameLoopOptions#listenOptions} switches it off), where a connection starts at once.
 */
public final class ConnectionGuard implements Handler<HttpConnection> {

  private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());

  private final Vertx vertx;
  private final ConnectionLimits limits;
  /** Connections without a request yet, with their timer. */
  private final Map<HttpConnection, Long> pending = new ConcurrentHashMap<>();

  private ConnectionGuard(Vertx vertx, ConnectionLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
  }

  public static ConnectionGuard create(Vertx vertx, ConnectionLimits limits) {
    return new ConnectionGuard(vertx, new ConnectionLimits(limits));
  }

  @Override
  public void handle(HttpConnection connection) {
    connection.closeHandler(v -> forget(connection));
    await(connection);
  }

  /** The connection is to send a request head now: within the timeout, and within the limit. */
  private void await(HttpConnection connection) {
    if (pending.size() >= limits.getMaxPendingConnections()) {
      LOG.log(System.Logger.Level.DEBUG, "connection closed: {0} connections are waiting for a request", pending.size());
      connection.close();
      return;
    }
    long timer = vertx.setTimer(limits.getHeaderTimeoutMs(), id -> {
      if (pending.remove(connection) != null) {
        connection.close();
      }
    });
    pending.put(connection, timer);
  }

  /**
   * The request handler to install: marks the connection as having sent a request, passes it on,
   * and watches the connection again once the response is sent (unless it becomes a WebSocket).
   */
  public Handler<HttpServerRequest> then(Handler<HttpServerRequest> next) {
    return request -> {
      HttpConnection connection = request.connection();
      forget(connection);
      request.response().endHandler(v -> {
        if (request.response().getStatusCode() != 101) { // 101: a WebSocket now, the session's to bound
          await(connection);
        }
      });
      next.handle(request);
    };
  }

  private void forget(HttpConnection connection) {
    Long timer = pending.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

}
