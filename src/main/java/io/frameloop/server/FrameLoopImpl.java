package io.frameloop.server;

import io.frameloop.auth.ManagementAuthHandler;
import io.frameloop.auth.SessionAdmission;
import io.frameloop.auth.TenantQuotas;
import io.frameloop.auth.TokenAuth;
import io.frameloop.pipeline.PipelineRules;
import io.frameloop.record.Recorder;
import io.frameloop.session.ResultsBus;
import io.frameloop.session.SessionServices;
import io.frameloop.worker.WorkerPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The FrameLoop service composed from what {@link FrameLoopBootstrap} made ready: the metrics,
 * the sessions' shared services, the {@link FramesHandler}, the page, the health checks, and the
 * routes it mounted, which it removes when it closes.
 */
final class FrameLoopImpl implements FrameLoop {

  private final Vertx vertx;
  private final FrameLoopOptions options;
  private final WorkerPool pool;
  private final FramesHandler framesHandler;
  private final Recorder recorder;
  private final MeterRegistry meterRegistry;
  private final String codecName;
  private final String workerDeployment;
  private final WorkerAddresses.Claim address;
  private final FrameLoopMetrics metrics;
  private final FrameLoopHealth health;
  private final PageHandler page;
  private final HostCheckHandler hostCheck;
  private final IpNetworks probeNetworks;
  private final TrustedProxies trustedProxies;
  private final Set<RouteMount> mounts = ConcurrentHashMap.newKeySet();
  private final long activityTimer;
  private volatile boolean closed;
  /** The one close, however often {@link #close} is called. */
  private Future<Void> closing;
  /** The sessions' one drain (or close at once), begun by close() or by the workers told to stop. */
  private Future<Void> sessionsGone;

  FrameLoopImpl(Vertx vertx, DeployedParts parts) {
    this.vertx = vertx;
    this.options = parts.options();
    this.codecName = parts.codecName();
    this.meterRegistry = parts.meterRegistry();
    this.workerDeployment = parts.workerDeployment();
    this.address = parts.address();
    this.pool = parts.scheduler().workers();
    this.metrics = new FrameLoopMetrics(meterRegistry, pool, options.effectiveWorkerInstances());
    SessionAdmission admission = admission(parts.tokens(), metrics);
    this.recorder = Recorder.create(vertx, options.getRecordingOptions());
    PipelineRules pipelines = new PipelineRules(parts.registry(), options.getPipelineLimits(), options.getImageLimits());
    SessionServices services = new SessionServices(options.getSessionOptions(), pipelines, parts.defaultPipeline(),
      options.helloLimits(), metrics, parts.scheduler(), recorder, ResultsBus.create(vertx, options.getResultsAddress()),
      parts.video());
    this.trustedProxies = TrustedProxies.of(options.getTrustedProxies());
    this.hostCheck = new HostCheckHandler(new HostPolicy(options.getRouteOptions().getAllowedHosts(),
      options.getHttpServerOptions().getHost()), trustedProxies);
    this.framesHandler = FramesHandler.create(vertx, services, options.getRouteOptions(),
      options.getHttpServerOptions().getHost(), options.getTrustedProxies(), admission);
    metrics.countSessions(framesHandler);
    this.health = new FrameLoopHealth(vertx, pool, framesHandler::sessionCount, options.getSessionOptions().getMaxSessions(),
      () -> closed, workerDeployment, codecName);
    this.probeNetworks = IpNetworks.parse("probeNetworks", options.getRouteOptions().getProbeNetworks());
    this.page = PageHandler.create(vertx, options.getRouteOptions());
    if (options.getDrainGraceMs() > 0) {
      // Undeploying the verticle that deployed the workers stops them first: they wait for the drain.
      parts.beforeStop().set(this::endSessions);
    }
    ActivityLog activity = new ActivityLog(meterRegistry, framesHandler::sessionCount, framesHandler::sessionsOpened);
    this.activityTimer = vertx.setPeriodic(ActivityLog.INTERVAL_MS, timer -> activity.tick());
  }

  /** Who may open a session: anyone, or the holders of a valid token within their tenant's quota. */
  private SessionAdmission admission(TokenAuth tokens, FrameLoopMetrics metrics) {
    if (tokens == null) {
      return SessionAdmission.anonymous(metrics);
    }
    TenantQuotas quotas = new TenantQuotas(options.getAuthOptions(), meterRegistry, metrics);
    return SessionAdmission.tokens(tokens, quotas);
  }

  @Override
  public FrameLoopMount mount(Router router) {
    refuseWhenClosed();
    RouteOptions routes = options.getRouteOptions();
    List<Route> added = new ArrayList<>();
    added.add(router.route(routes.getFramesPath()).handler(framesHandler));
    if (!routes.getMetricsPath().isEmpty() && meterRegistry instanceof PrometheusMeterRegistry prometheus) {
      added.add(operations(router, routes.getMetricsPath()).handler(PrometheusHandler.create(prometheus)));
    }
    if (!routes.getHealthPath().isEmpty()) {
      added.add(operations(router, routes.getHealthPath()).handler(HealthCheckHandler.createWithHealthChecks(healthChecks())));
    }
    if (!routes.getLivenessPath().isEmpty()) {
      added.add(probe(router, routes.getLivenessPath()).handler(HealthCheckHandler.createWithHealthChecks(health.liveness())));
    }
    if (!routes.getReadinessPath().isEmpty()) {
      added.add(probe(router, routes.getReadinessPath()).handler(HealthCheckHandler.createWithHealthChecks(health.readiness())));
    }
    return remember(added);
  }

  /**
   * A probe's route: behind the management token like /health, except for peers in probeNetworks
   * that speak for themselves: never a trusted proxy (an ingress in the pod network would let every
   * client in) and never a request that carries forwarded headers.
   */
  private Route probe(Router router, String path) {
    Route route = router.get(path).handler(hostCheck);
    String managementToken = options.getAuthOptions().getManagementToken();
    if (managementToken == null) {
      return route;
    }
    ManagementAuthHandler tokenCheck = ManagementAuthHandler.create(managementToken);
    return route.handler(ctx -> {
      SocketAddress peer = ctx.request().connection().remoteAddress(); // the peer itself, never a forwarded address
      if (peer != null && probeNetworks.contains(peer.hostAddress()) && !trustedProxies.trusts(peer.hostAddress())
        && !TrustedProxies.carriesForwardedHeaders(ctx.request())) {
        ctx.next();
      } else {
        tokenCheck.handle(ctx);
      }
    });
  }

  /** An operations endpoint's route: behind the management token when one is set. */
  private Route operations(Router router, String path) {
    Route route = router.get(path).handler(hostCheck);
    String managementToken = options.getAuthOptions().getManagementToken();
    return managementToken == null ? route : route.handler(ManagementAuthHandler.create(managementToken));
  }

  @Override
  public FrameLoopMount mountPage(Router router) {
    refuseWhenClosed();
    Route pageRoute = router.route("/*").subRouter(pageRouter());
    return remember(List.of(pageRoute));
  }

  private FrameLoopMount remember(List<Route> routes) {
    RouteMount mount = new RouteMount(routes, mounts::remove);
    mounts.add(mount);
    return mount;
  }

  private void refuseWhenClosed() {
    if (closed) {
      throw new IllegalStateException("this FrameLoop is closed: deploy a new one to mount");
    }
  }

  @Override
  public Router pageRouter() {
    Router pageRouter = Router.router(vertx);
    pageRouter.route("/*").handler(hostCheck).handler(page);
    return pageRouter;
  }

  @Override
  public HealthChecks healthChecks() {
    return health.checks();
  }

  @Override
  public FramesHandler framesHandler() {
    return framesHandler;
  }

  @Override
  public void accept(ServerWebSocket socket) {
    framesHandler.accept(socket);
  }

  @Override
  public FrameLoopOptions options() {
    return new FrameLoopOptions(options);
  }

  @Override
  public String codecName() {
    return codecName;
  }

  @Override
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  @Override
  public int sessionCount() {
    return framesHandler.sessionCount();
  }

  @Override
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = closeOnce();
    }
    return closing;
  }

  /** Readiness DOWN and no new session at once; then the drain, or with drainGraceMs 0 every session closed now. */
  private synchronized Future<Void> endSessions() {
    if (sessionsGone == null) {
      closed = true;
      long grace = options.getDrainGraceMs();
      sessionsGone = grace > 0 ? framesHandler.drain(grace) : framesHandler.close(SHUTDOWN_REASON);
    }
    return sessionsGone;
  }

  private Future<Void> closeOnce() {
    vertx.cancelTimer(activityTimer);
    // The routes stay while the sessions close or drain: an upgrade meanwhile gets 503, not another route's answer.
    // The workers go whether or not the sessions and recordings closed cleanly, and the address is
    // freed only once they are gone: a FrameLoop that claims it next must not share them.
    return endSessions()
      .compose(v -> recorder.close())
      .eventually(this::stopWorkers)
      .onComplete(v -> {
        metrics.close();
        address.release();
        List.copyOf(mounts).forEach(RouteMount::unmount);
      });
  }

  /** The pool, then this node's workers (they may already be gone when FrameLoopVerticle, their parent, is undeployed). */
  private Future<Void> stopWorkers() {
    pool.close();
    return workerDeployment == null ? Future.succeededFuture() : vertx.undeploy(workerDeployment).otherwiseEmpty();
  }
}
