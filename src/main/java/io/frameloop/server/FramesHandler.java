package io.frameloop.server;

import io.frameloop.auth.AuthFailure;
import io.frameloop.auth.SessionAdmission;
import io.frameloop.auth.TenantFullException;
import io.frameloop.protocol.CloseCodes;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.session.FrameSession;
import io.frameloop.session.OutboundLimits;
import io.frameloop.session.SessionGrant;
import io.frameloop.session.SessionServices;
import io.frameloop.worker.RateLimitedLog;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames route: upgrades a request to a FrameLoop session after checking (503 while shutting down, first) the Host (421), the Origin (403),
 * the token (401), the tenant's session quota (429) and the session limit (503), and keeps the
 * open sessions until they close. Shared by every event loop of the server.
 */
public final class FramesHandler implements Handler<RoutingContext> {

  private static final System.Logger LOG = System.getLogger(FramesHandler.class.getName());
  private final RateLimitedLog transportLog = new RateLimitedLog(LOG, 60_000);

  private final Vertx vertx;
  private final SessionServices services;
  private final OriginPolicy originPolicy;
  private final HostPolicy hostPolicy;
  private final TrustedProxies proxies;
  private final SessionAdmission admission;
  private final int maxSessions;
  private final Set<FrameSession> sessions = ConcurrentHashMap.newKeySet();
  // Counts upgrades in progress too, so that concurrent upgrades cannot pass maxSessions.
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicLong sessionIds = new AtomicLong();
  private volatile String closedReason;
  /** Set by {@link #drain}: completed once the last session is gone. */
  private volatile Promise<Void> drained;

  private FramesHandler(Vertx vertx, SessionServices services, OriginPolicy originPolicy, HostPolicy hostPolicy,
                        TrustedProxies proxies, SessionAdmission admission) {
    this.vertx = vertx;
    this.services = services;
    this.originPolicy = originPolicy;
    this.hostPolicy = hostPolicy;
    this.proxies = proxies;
    this.admission = admission;
    this.maxSessions = services.options().getMaxSessions();
  }

  /**
   * @param allowedOrigins browser origins allowed besides the page's own (see
   *                       {@link RouteOptions#setAllowedOrigins})
   */
  public static FramesHandler create(Vertx vertx, SessionServices services, List<String> allowedOrigins) {
    return create(vertx, services, allowedOrigins, SessionAdmission.anonymous(services.listener()));
  }

  /**
   * @param admission who may open a session (tokens, tenant quotas); the Host header must name
   *                  loopback or an IP address ({@link RouteOptions#setAllowedHosts} for more)
   */
  public static FramesHandler create(Vertx vertx, SessionServices services, List<String> allowedOrigins,
                                     SessionAdmission admission) {
    return create(vertx, services, new RouteOptions().setAllowedOrigins(allowedOrigins), null, admission);
  }

  /**
   * @param routes    the allowed origins and host names
   * @param boundHost the host the server listens on, whose name is served too; or null
   */
  public static FramesHandler create(Vertx vertx, SessionServices services, RouteOptions routes, String boundHost,
                                     SessionAdmission admission) {
    return create(vertx, services, routes, boundHost, List.of(), admission);
  }

  /**
   * @param trustedProxies the reverse proxies whose forwarded headers are believed (see
   *                       {@link FrameLoopOptions#setTrustedProxies}); empty: none
   */
  public static FramesHandler create(Vertx vertx, SessionServices services, RouteOptions routes, String boundHost,
                                     List<String> trustedProxies, SessionAdmission admission) {
    return new FramesHandler(vertx, services, new OriginPolicy(routes.getAllowedOrigins()),
      new HostPolicy(routes.getAllowedHosts(), boundHost), TrustedProxies.of(trustedProxies), admission);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    ForwardedRequest client = proxies.resolve(ctx.request());
    String host = client.host();
    if (drained != null) {
      // A client (or a proxy) tries again in a second, on this node when it is back or on another.
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      reject(ctx, 503, "draining", "the server is restarting: try again in a second");
    } else if (closedReason != null) {
      reject(ctx, 503, "shutting_down", "the server is shutting down");
    } else if (!hostPolicy.allows(host)) {
      // Before the Origin check, which takes the page's own origin from this Host.
      reject(ctx, HostCheckHandler.MISDIRECTED, "host", "this server does not answer to the host name in the request:"
        + " add it to allowedHosts to serve it");
    } else if (!originPolicy.allows(origin, client.forwardedScheme(), host)) {
      reject(ctx, 403, "origin", "origin " + origin + " is not allowed to open a session");
    } else {
      // The token before the Upgrade check: a page can then learn with a plain GET why it was refused.
      admission.admit(ctx.request().headers(), ctx.request().uri())
        .onSuccess(grant -> upgrade(ctx, client, grant))
        .onFailure(e -> refuse(ctx, e));
    }
  }

  private void upgrade(RoutingContext ctx, ForwardedRequest client, SessionGrant grant) {
    String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      admission.release(grant);
      ctx.response().setStatusCode(426).putHeader(HttpHeaders.UPGRADE, "websocket")
        .end("this is a WebSocket endpoint: connect with a WebSocket client");
    } else if (!admit()) {
      admission.release(grant);
      reject(ctx, 503, "max_sessions", "too many sessions: the limit is " + maxSessions);
    } else {
      HttpConnection connection = ctx.request().connection();
      List<String> offered = ctx.request().headers().getAll("Sec-WebSocket-Protocol");
      if (!offered.isEmpty()) {
        // The token has done its work: the handshake (and whatever it logs) sees only our subprotocol,
        // and only when the client offered it (RFC 6455: the server selects one of those offered).
        boolean ours = offered.stream().flatMap(line -> Arrays.stream(line.split(",")))
          .anyMatch(entry -> entry.trim().equals(FrameFormat.SUBPROTOCOL));
        if (ours) {
          ctx.request().headers().set("Sec-WebSocket-Protocol", FrameFormat.SUBPROTOCOL);
        } else {
          ctx.request().headers().remove("Sec-WebSocket-Protocol");
        }
      }
      ctx.request().toWebSocket()
        .onSuccess(socket -> start(socket, () -> cut(connection), grant, client))
        .onFailure(e -> {
          // A malformed handshake is the client's: one line, no stack trace.
          admitted.decrementAndGet();
          admission.release(grant);
          LOG.log(System.Logger.Level.DEBUG, "WebSocket handshake refused client={0}: {1}", client.describe(), e.getMessage());
          if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().setStatusCode(400).end("WebSocket handshake refused: " + e.getMessage());
          }
        });
    }
  }

  private void refuse(RoutingContext ctx, Throwable cause) {
    if (cause instanceof AuthFailure failure) {
      ctx.response().putHeader("WWW-Authenticate", failure.challenge("frameloop"));
      reject(ctx, 401, "unauthorized", "unauthorized: " + failure.getMessage());
    } else if (cause instanceof TenantFullException full) {
      reject(ctx, 429, "tenant_sessions", full.getMessage());
    } else {
      LOG.log(System.Logger.Level.ERROR, "session admission failed", cause);
      reject(ctx, 500, "server_error", "the server could not check the session's credentials");
    }
  }

  private boolean admit() {
    if (admitted.incrementAndGet() > maxSessions) {
      admitted.decrementAndGet();
      return false;
    }
    return true;
  }

  private void reject(RoutingContext ctx, int status, String reason, String message) {
    services.listener().sessionRejected(reason);
    LOG.log(System.Logger.Level.DEBUG, "session refused status={0} reason={1} client={2}", status, reason,
      proxies.resolve(ctx.request()).describe());
    ctx.response().setStatusCode(status).end(message);
  }

  /**
   * Starts a session on a WebSocket accepted elsewhere (no Origin check here). The token check
   * applies (refused: closed with 1008 and the reason), and so do the tenant's quota and the
   * session limit (over them: closed with 1013, try again later).
   */
  public void accept(ServerWebSocket socket) {
    admission.admit(socket.headers(), socket.uri())
      .onFailure(e -> {
        boolean unauthorized = e instanceof AuthFailure;
        services.listener().sessionRejected(unauthorized ? "unauthorized" : "tenant_sessions");
        socket.close(unauthorized ? CloseCodes.POLICY : CloseCodes.TRY_AGAIN_LATER,
          CloseCodes.reason((unauthorized ? "unauthorized: " : "") + e.getMessage()));
      })
      .onSuccess(grant -> {
        if (closedReason != null) {
          admission.release(grant);
          socket.close(closeCode(), closedReason);
        } else if (!admit()) {
          admission.release(grant);
          services.listener().sessionRejected("max_sessions");
          socket.close(CloseCodes.TRY_AGAIN_LATER, "too many sessions: the limit is " + maxSessions);
        } else {
          start(socket, socket::close, grant, null); // no connection to cut here: the closing handshake it is
        }
      });
  }

  /** @param client who opened it, through the trusted proxies (null: a socket accepted elsewhere) */
  private void start(ServerWebSocket socket, Runnable disconnect, SessionGrant grant, ForwardedRequest client) {
    if (closedReason != null) { // the upgrade finished after close() began
      admitted.decrementAndGet();
      admission.release(grant);
      socket.close(closeCode(), closedReason);
      return;
    }
    socket.setWriteQueueMaxSize(OutboundLimits.of(services.options()).socketWriteQueueMaxSize());
    // Admitted: the upgrade's headers (a token among them) need not live as long as the session.
    socket.headers().clear();
    String id = Long.toString(sessionIds.incrementAndGet());
    FrameSession session = new FrameSession(id, socket, disconnect,
      vertx.getOrCreateContext(), services, grant);
    sessions.add(session);
    if (client != null) {
      // The session's own line names the peer: behind a proxy, the proxy.
      LOG.log(System.Logger.Level.DEBUG, "session id={0} client={1}", id, client.describe());
    }
    String[] transportFailure = {null};
    socket.exceptionHandler(e -> {
      // Netty refuses a frame over the HTTP server's own WebSocket limit and drops the connection:
      // not the client's doing when that limit is below maxMessageBytes.
      boolean corruptFrame = e.getClass().getSimpleName().equals("CorruptedWebSocketFrameException");
      if (corruptFrame && String.valueOf(e.getMessage()).contains("exceeded")) {
        transportFailure[0] = "transport limit exceeded: " + e.getMessage();
        transportLog.warn("a session was cut by the HTTP server's WebSocket limit (" + e.getMessage() + "); messages of up to "
          + services.options().getMaxMessageBytes() + " bytes (maxMessageBytes) need the server's maxWebSocketFrameSize and"
          + " maxWebSocketMessageSize above that: serve with FrameLoopOptions.listenOptions()");
      }
    });
    socket.closeHandler(v -> {
      // The slot first: whatever the session's close does, the session limit must not leak.
      sessions.remove(session);
      admitted.decrementAndGet();
      admission.release(grant);
      session.close(transportFailure[0] != null ? transportFailure[0] : socket.closeStatusCode() == null ? "connection closed"
        : "client closed " + socket.closeStatusCode() + (socket.closeReason() == null ? "" : " " + socket.closeReason()));
      Promise<Void> draining = drained;
      if (draining != null && sessions.isEmpty()) {
        draining.tryComplete();
      }
    });
    session.start(vertx);
    // drain() or close() may have begun between the check above and sessions.add: they set their
    // reason before walking the sessions, so either they saw this one or it sees their reason here.
    if (drained != null) {
      session.drain();
    } else if (closedReason != null) {
      session.shutdown(closedReason);
    }
  }

  /**
   * Cuts a connection at once. {@code HttpConnection.close()}, and a close through the whole
   * pipeline, first flush what is queued (or wait for the client's close frame): that never ends
   * for a client that reads nothing, which then kept its session slot. Closing from the first
   * handler drops the queue.
   */
  private static void cut(HttpConnection connection) {
    ChannelHandlerContext first;
    try {
      first = connection instanceof ConnectionBase base ? base.channel().pipeline().firstContext() : null;
    } catch (LinkageError internalClassMoved) { // a Vert.x internal: another version may not have it
      first = null;
    }
    if (first != null) {
      first.close();
    } else {
      connection.close();
    }
  }

  public int sessionCount() {
    return sessions.size();
  }

  /** Sessions started since the handler was made. */
  int sessionsOpened() {
    return (int) sessionIds.get();
  }

  /** While draining a socket accepted meanwhile moves on at once (1012); after a plain close it is told the server goes (1001). */
  private short closeCode() {
    return drained != null ? CloseCodes.SERVICE_RESTART : CloseCodes.GOING_AWAY;
  }

  /**
   * Drains before a restart: refuses new sessions (503, {@code Retry-After: 1}), tells every open
   * one {@code goaway}, and lets each answer the frames it holds and close with 1012; those still
   * open after {@code graceMs} are closed with 1012 then. Completes once every session is gone.
   */
  public Future<Void> drain(long graceMs) {
    Promise<Void> done = Promise.promise();
    drained = done;
    closedReason = FrameSession.DRAINED_REASON;
    sessions.forEach(FrameSession::drain);
    if (sessions.isEmpty()) {
      done.tryComplete();
    }
    long graceTimer = vertx.setTimer(graceMs, timer -> {
      List<Future<Void>> closing = new ArrayList<>();
      sessions.forEach(session -> closing.add(session.shutdown(CloseCodes.SERVICE_RESTART, FrameSession.GRACE_OVER_REASON)
        .otherwiseEmpty()));
      Future.join(closing).onComplete(all -> done.tryComplete());
    });
    return done.future().onComplete(v -> vertx.cancelTimer(graceTimer));
  }

  /** Refuses new sessions and closes every open one with 1001 (going away) and the reason. */
  public Future<Void> close(String reason) {
    closedReason = reason;
    List<Future<Void>> closing = new ArrayList<>();
    sessions.forEach(session -> closing.add(session.shutdown(reason).otherwiseEmpty()));
    return Future.join(closing).otherwiseEmpty().mapEmpty();
  }
}
