package io.frameloop.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;

/**
 * The FrameLoop service, embeddable in any Vert.x application. {@link FrameLoopVerticle} runs it
 * with its own HTTP server; to use your own, deploy it with {@link FrameLoopBootstrap#deploy} and
 * {@link #mount} it on your router.
 *
 * <p>The {@code deploy} methods live in {@link FrameLoopBootstrap}, not here: a static factory on
 * this interface would have to name its implementation, and the implementation names this
 * interface, a cycle between the two files.
 */
public interface FrameLoop {

  /**
   * Where every processed frame's results are published on the local event bus by default
   * ({@link FrameLoopOptions#setResultsAddress}): {@code vertx.eventBus().localConsumer(FrameLoop.RESULTS_ADDRESS, ...)}.
   */
  String RESULTS_ADDRESS = FrameLoopOptions.DEFAULT_RESULTS_ADDRESS;

  /** The close reason sessions get when the server stops. */
  String SHUTDOWN_REASON = "server shutting down";

  /**
   * Adds the service's routes to a router: the frames WebSocket at {@code framesPath}, Prometheus
   * metrics at {@code metricsPath}, the health check at {@code healthPath} and the liveness and
   * readiness probes at {@code livenessPath} and {@code readinessPath} (each unless empty; behind the
   * {@code managementToken} when it is set, the probes not for peers in {@code probeNetworks}). The page is not among them: see
   * {@link #mountPage}.
   *
   * @return the routes added: {@link FrameLoopMount#unmount} removes them; {@link #close} does too
   */
  FrameLoopMount mount(Router router);

  /**
   * Serves the webcam page at {@code /} on every path the router does not answer otherwise:
   * {@link #pageRouter} at the root.
   *
   * @return the route added: {@link FrameLoopMount#unmount} removes it; {@link #close} does too
   */
  FrameLoopMount mountPage(Router router);

  /**
   * The webcam page alone, to mount where you like: {@code router.route("/video/*").subRouter(frameLoop.pageRouter())}.
   * It serves only its own files (the built-in page from FrameLoop's class-path resources, or the
   * {@code webroot} directory) and {@code frameloop.json}, which tells the page the way from its
   * own directory to {@code framesPath} (the frames route as the server's root router serves it).
   * A route you add this way is yours to remove.
   */
  Router pageRouter();

  /**
   * {@code workers}: up while this node's worker verticles are deployed, at least one worker is
   * known and none is stuck on a frame (the data names them); {@code opencv}: the loaded version.
   */
  HealthChecks healthChecks();

  /** The frames route's handler, to mount it yourself (a route you add this way is yours to remove). */
  FramesHandler framesHandler();

  /** See {@link FramesHandler#accept}. */
  void accept(ServerWebSocket socket);

  /** A copy of the options in force (changing it changes nothing). */
  FrameLoopOptions options();

  /** The JPEG codec the workers use: {@code turbojpeg} or {@code opencv}. */
  String codecName();

  /** Where the service's meters go. */
  MeterRegistry meterRegistry();

  /** Sessions open now. */
  int sessionCount();

  /**
   * Refuses new sessions (503 for an upgrade meanwhile; readiness DOWN) and, with {@code drainGraceMs}
   * over 0, drains: every session gets {@code goaway}, has the frames it holds answered and closes
   * with 1012, those left when the grace ends with 1012 then; with 0 every session closes at once
   * with 1001 (going away) and a frame in processing is let go. Then it lets their recordings finish,
   * undeploys the workers, frees the workers' address and removes every route {@link #mount} and
   * {@link #mountPage} added.
   */
  Future<Void> close();
}
