package io.frameloop.server;

import io.frameloop.pipeline.OpRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * FrameLoop with its own HTTP server: the page at {@code /}, frames at {@code /frames}, metrics and health. Deploy it
 * with options, or without and give the options as the deployment's JSON config. Deployed with
 * several instances, they share one FrameLoop service (one set of sessions, limits and meters),
 * each serving HTTP on its own event loop; separate deployments have separate services.
 */
public class FrameLoopVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(FrameLoopVerticle.class.getName());

  private final FrameLoopOptions givenOptions;
  private final OpRegistry givenRegistry;
  private FrameLoop frameLoop;
  private SharedFrameLoops.Share share;
  private HttpServer server;

  /** Options from the deployment's config ({@link FrameLoopOptions} JSON). */
  public FrameLoopVerticle() {
    this(null, null);
  }

  /**
   * With these options. A factory, not a one-argument constructor: that would make
   * {@code deployVerticle(FrameLoopVerticle::new, ...)} ambiguous in Vert.x 5.
   */
  public static FrameLoopVerticle create(FrameLoopOptions options) {
    return new FrameLoopVerticle(options, null);
  }

  /** @param registry the ops to offer; {@code null} for the built-ins and class-path plug-ins */
  public FrameLoopVerticle(FrameLoopOptions options, OpRegistry registry) {
    this.givenOptions = options;
    this.givenRegistry = registry;
  }

  @Override
  public Future<?> start() {
    // The instances of one deployment share one FrameLoop; each adds an HTTP server on the shared port.
    // The first reads the config (so its warnings come once per deployment), the others take the FrameLoop's.
    share = SharedFrameLoops.acquire(context.deploymentID(), () -> Future.succeededFuture(config())
      .map(config -> givenOptions != null ? givenOptions : new FrameLoopOptions(config))
      .compose(given -> givenRegistry != null ? FrameLoopBootstrap.deploy(vertx, given, givenRegistry)
        : FrameLoopBootstrap.deploy(vertx, given)));
    return share.frameLoop().compose(loop -> {
      frameLoop = loop;
      return listen(loop.options());
    })
      // Vert.x calls no stop() after a failed start: let go of the service here, and fail only once it is
      // closed, so that a deployment retried at once finds the workers' address free.
      .recover(failure -> SharedFrameLoops.release(share).transform(closed -> Future.failedFuture(failure)));
  }

  private Future<HttpServer> listen(FrameLoopOptions options) {
    // Making a self-signed certificate blocks: not on the event loop.
    return vertx.executeBlocking(options::listenOptions)
      .compose(serverOptions -> {
        ConnectionGuard guard = ConnectionGuard.create(vertx, options.getConnectionLimits());
        Router router = Router.router(vertx);
        frameLoop.mount(router);
        frameLoop.mountPage(router);
        return vertx.createHttpServer(serverOptions)
          .connectionHandler(guard)
          .requestHandler(guard.then(router))
          .listen();
      })
      .onSuccess(listening -> {
        server = listening;
        String authority = displayHost(options.getHttpServerOptions().getHost()) + ":" + server.actualPort();
        String http = options.isTls() ? "https" : "http";
        String ws = options.isTls() ? "wss" : "ws";
        // Logged, not printed: library code leaves the host app's standard output alone.
        LOG.log(System.Logger.Level.INFO, "FrameLoop listening on {0}://{1}/ (frames at {2}://{1}{3})", http, authority, ws,
          options.getRouteOptions().getFramesPath());
        warnIfOpen(options);
      });
  }

  /** Off loopback, say what anyone who reaches the port can do. */
  private static void warnIfOpen(FrameLoopOptions options) {
    String host = options.getHttpServerOptions().getHost();
    if (isLoopback(host)) {
      return;
    }
    if (!options.getAuthOptions().isEnabled()) {
      LOG.log(System.Logger.Level.WARNING, "authentication is off and the server listens on {0}: anyone who reaches"
        + " it can open sessions and spend its CPU. Set authJwtSecret or authJwtPublicKeyPath (see README, Security)", host);
    }
    if (options.getAuthOptions().getManagementToken() == null) {
      LOG.log(System.Logger.Level.WARNING, "{0} and {1} are open to anyone who reaches {2}: set managementToken",
        options.getRouteOptions().getMetricsPath(), options.getRouteOptions().getHealthPath(), host);
    }
  }

  /** Without a name lookup (this runs on the event loop): a name other than localhost counts as open. */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|.*:.*")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String displayHost(String host) {
    if (host.equals("0.0.0.0")) {
      return "localhost";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /**
   * Sessions first, so that each gets its close with a reason, then the HTTP server. Vert.x stops the
   * workers (this verticle's children) before this: with {@code drainGraceMs} they begin the drain
   * and wait for it, so the sessions' frames are still answered.
   */
  @Override
  public Future<?> stop() {
    Future<Void> sessionsClosed = share == null ? Future.succeededFuture() : SharedFrameLoops.release(share);
    return sessionsClosed.compose(v -> server == null ? Future.succeededFuture() : server.close());
  }

  /** The port the server listens on (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  public FrameLoop frameLoop() {
    return frameLoop;
  }
}
