package io.frameloop.server;

import io.frameloop.image.OpenCvLoader;
import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.image.JpegCodecs;
import io.frameloop.session.FrameScheduler;
import io.frameloop.session.FrameSession;
import io.frameloop.session.SessionConfig;
import io.frameloop.worker.WorkerMessageCodecs;
import io.frameloop.worker.WorkerVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.opencv.core.Core;

/**
 * The FrameLoop service, embeddable in any Vert.x application: the worker pool, the scheduler and
 * the {@code /frames} WebSocket handler. {@link FrameLoopVerticle} runs it with its own HTTP
 * server; to use your own, {@link #deploy} it and {@link #mount} it on your router.
 */
public final class FrameLoop {

  /** The close reason sessions get when the server stops. */
  public static final String SHUTDOWN_REASON = "server shutting down";

  private static final System.Logger LOG = System.getLogger(FrameLoop.class.getName());

  private final Vertx vertx;
  private final FrameLoopOptions options;
  private final FrameScheduler scheduler;
  private final DeliveryOptions deliveryOptions;
  private final String workerDeployment;
  private final String codecName;
  private final MeterRegistry meterRegistry;
  private final FrameLoopMetrics metrics;
  private final SessionConfig sessionConfig;
  private final OriginPolicy originPolicy;
  private final Set<FrameSession> sessions = ConcurrentHashMap.newKeySet();
  // Counts upgrades in progress too, so that concurrent upgrades cannot pass maxSessions.
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicLong sessionIds = new AtomicLong();
  private volatile boolean closed;

  private FrameLoop(Vertx vertx, FrameLoopOptions options, OpRegistry registry, PipelineSpec defaultPipeline,
                    String codecName, MeterRegistry meterRegistry, String workerDeployment) {
    this.vertx = vertx;
    this.codecName = codecName;
    this.options = options;
    this.workerDeployment = workerDeployment;
    this.meterRegistry = meterRegistry;
    this.scheduler = new FrameScheduler(options.effectiveMaxInFlight());
    this.deliveryOptions = new DeliveryOptions().setSendTimeout(options.getProcessTimeoutMs());
    this.metrics = new FrameLoopMetrics(meterRegistry, sessions::size, scheduler, options.effectiveWorkerInstances());
    this.sessionConfig = new SessionConfig(registry, defaultPipeline, options.limitsJson(), options.getStatsIntervalMs(),
      options.getMaxFps(), options.getMaxMessageBytes(), options.getMaxTextMessageBytes(), options.getIdleTimeoutSeconds(), metrics);
    this.originPolicy = new OriginPolicy(options.getAllowedOrigins());
  }

  /** Deploys the service with the built-in ops and the plug-ins found on the class path. */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options) {
    return defaultRegistry(vertx, options).compose(registry -> deploy(vertx, options, registry));
  }

  /** The built-in ops plus the class path's plug-ins; the class-path scan blocks, so not on the event loop. */
  private static Future<OpRegistry> defaultRegistry(Vertx vertx, FrameLoopOptions options) {
    return vertx.executeBlocking(() -> OpRegistry.withDefaults(Path.of(options.getFaceCascade())));
  }

  /** Deploys the service with the ops of {@code registry} and its own Prometheus meter registry. */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    return deploy(vertx, options, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Deploys the service: the worker verticles (none for the {@code front} role), then the
   * handler. Meters go to {@code meterRegistry}; {@link #mount} serves them at
   * {@code metricsPath} when it is a {@link PrometheusMeterRegistry}.
   */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options, OpRegistry registry,
                                         MeterRegistry meterRegistry) {
    FrameLoopOptions copy = new FrameLoopOptions(options);
    return prepare(vertx, copy, registry)
      .compose(startup -> deployWorkers(vertx, copy, registry, startup)
        .map(id -> {
          LOG.log(System.Logger.Level.INFO, "FrameLoop {0} ({1}): {2} worker verticles, {3} frames in flight at most,"
              + " OpenCV {4}, JPEG codec {5} ({6}), default pipeline {7}", copy.getNodeName(), copy.getRole(),
            copy.effectiveWorkerInstances(), copy.effectiveMaxInFlight(), Core.VERSION, startup.codec().name(),
            startup.codec().reason(), startup.pipeline().toJson().encode());
          return new FrameLoop(vertx, copy, registry, startup.pipeline(), startup.codec().name(), meterRegistry, id);
        }));
  }

  /**
   * Deploys only the worker verticles: a {@code worker} node of a cluster, which processes
   * frames that front ends send to {@code address} and serves no HTTP. Completes with the
   * deployment id (undeploy it to stop).
   */
  public static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options) {
    return defaultRegistry(vertx, options).compose(registry -> deployWorkers(vertx, options, registry));
  }

  /** {@link #deployWorkers(Vertx, FrameLoopOptions)} with the ops of {@code registry}. */
  public static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    FrameLoopOptions copy = new FrameLoopOptions(options);
    return prepare(vertx, copy, registry).compose(startup -> deployWorkers(vertx, copy, registry, startup))
      .onSuccess(id -> LOG.log(System.Logger.Level.INFO, "FrameLoop worker node {0}: {1} worker verticles on {2}",
        copy.getNodeName(), copy.effectiveWorkerInstances(), copy.getAddress()));
  }

  private record Startup(PipelineSpec pipeline, JpegCodecs.Choice codec) {
  }

  private static Future<Startup> prepare(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    WorkerMessageCodecs.register(vertx);
    // Loading OpenCV and libjpeg-turbo reads large native libraries: not on the event loop.
    return vertx.executeBlocking(() -> {
      OpenCvLoader.load();
      return new Startup(parseDefaultPipeline(registry, options), JpegCodecs.choose(options.getJpegCodec()));
    });
  }

  /** The worker verticles, or none (a null deployment id) for the front role. */
  private static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options, OpRegistry registry, Startup startup) {
    int instances = options.effectiveWorkerInstances();
    if (instances == 0) {
      return Future.succeededFuture();
    }
    DeploymentOptions workers = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(instances)
      .setWorkerPoolName("frameloop-workers")
      .setWorkerPoolSize(instances);
    return vertx.deployVerticle(() -> new WorkerVerticle(options.getAddress(), registry, options.imageLimits(),
      startup.codec().factory(), options.getNodeName()), workers);
  }

  private static PipelineSpec parseDefaultPipeline(OpRegistry registry, FrameLoopOptions options) {
    try {
      return registry.parse(options.getPipeline(), 80);
    } catch (PipelineException e) {
      throw new IllegalArgumentException("invalid default pipeline in the configuration: " + e.getMessage());
    }
  }

  /**
   * Adds to a router: the {@code /frames} WebSocket route, {@code /metrics} (Prometheus text),
   * {@code /health}, and the page (webroot).
   */
  public Router mount(Router router) {
    router.route(options.getFramesPath()).handler(webSocketRouteHandler());
    if (!options.getMetricsPath().isEmpty() && meterRegistry instanceof PrometheusMeterRegistry prometheus) {
      router.get(options.getMetricsPath()).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(prometheus.scrape()));
    }
    if (!options.getHealthPath().isEmpty()) {
      router.get(options.getHealthPath()).handler(HealthCheckHandler.createWithHealthChecks(healthChecks()));
    }
    router.route("/*").handler(StaticHandler.create(options.getWebroot()));
    return router;
  }

  /** {@code workers}: up while the worker verticles are deployed; {@code opencv}: the loaded version. */
  public HealthChecks healthChecks() {
    return HealthChecks.create(vertx)
      .register("workers", promise -> {
        boolean up = !closed && (workerDeployment == null || vertx.deploymentIDs().contains(workerDeployment));
        JsonObject data = new JsonObject().put("workers", options.effectiveWorkerInstances())
          .put("busy", scheduler.inFlight()).put("sessions", sessions.size());
        promise.complete(up ? Status.OK(data) : Status.KO(data));
      })
      .register("opencv", promise -> promise.complete(Status.OK(new JsonObject().put("version", Core.VERSION)
        .put("jpegCodec", codecName))));
  }

  /**
   * A route handler that upgrades the request to a FrameLoop session, after checking the Origin
   * (403) and the session limit (503).
   */
  public Handler<RoutingContext> webSocketRouteHandler() {
    return ctx -> {
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      if (closed) {
        reject(ctx, 503, "shutting_down", "FrameLoop is shutting down");
      } else if (!originPolicy.allows(origin, ctx.request().getHeader(HttpHeaders.HOST))) {
        reject(ctx, 403, "origin", "origin " + origin + " is not allowed to open a FrameLoop session");
      } else if (admitted.incrementAndGet() > options.getMaxSessions()) {
        admitted.decrementAndGet();
        reject(ctx, 503, "max_sessions", "too many sessions: the limit is " + options.getMaxSessions());
      } else {
        ctx.request().toWebSocket()
          .onSuccess(this::start)
          .onFailure(e -> {
            admitted.decrementAndGet();
            ctx.fail(400, e);
          });
      }
    };
  }

  private void reject(RoutingContext ctx, int status, String reason, String message) {
    metrics.rejected(reason);
    LOG.log(System.Logger.Level.INFO, "session refused status={0} reason={1} remote={2}", status, reason,
      ctx.request().remoteAddress());
    ctx.response().setStatusCode(status).end(message);
  }

  /**
   * Starts a session on a WebSocket accepted elsewhere (no Origin check here; the session limit
   * applies: over it, the socket is closed with 1013, try again later).
   */
  public void accept(ServerWebSocket socket) {
    if (closed) {
      socket.close((short) 1001, SHUTDOWN_REASON);
    } else if (admitted.incrementAndGet() > options.getMaxSessions()) {
      admitted.decrementAndGet();
      metrics.rejected("max_sessions");
      socket.close((short) 1013, "too many sessions: the limit is " + options.getMaxSessions());
    } else {
      start(socket);
    }
  }

  private void start(ServerWebSocket socket) {
    socket.setWriteQueueMaxSize(options.getWriteQueueMaxBytes());
    FrameSession session = new FrameSession(Long.toString(sessionIds.incrementAndGet()), socket, vertx.getOrCreateContext(),
      sessionConfig, scheduler, this::process);
    sessions.add(session);
    socket.closeHandler(v -> {
      session.close(socket.closeStatusCode() == null ? "connection closed"
        : "client closed " + socket.closeStatusCode() + (socket.closeReason() == null ? "" : " " + socket.closeReason()));
      sessions.remove(session);
      admitted.decrementAndGet();
    });
    session.start(vertx);
  }

  private Future<ProcessedFrame> process(FrameJob job) {
    return vertx.eventBus().<ProcessedFrame>request(options.getAddress(), job, deliveryOptions).map(Message::body);
  }

  public FrameLoopOptions options() {
    return options;
  }

  /** The JPEG codec the workers use: {@code turbojpeg} or {@code opencv}. */
  public String codecName() {
    return codecName;
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  public int sessionCount() {
    return sessions.size();
  }

  /**
   * Refuses new sessions, closes every open one with 1001 (going away), then undeploys the
   * workers. A frame in processing is let go: its session is already closed.
   */
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    sessions.forEach(session -> closing.add(session.shutdown(SHUTDOWN_REASON).otherwiseEmpty()));
    // The workers may already be gone when FrameLoopVerticle (their parent) is undeployed.
    return Future.join(closing).otherwiseEmpty()
      .compose(v -> workerDeployment == null ? Future.succeededFuture() : vertx.undeploy(workerDeployment).otherwiseEmpty());
  }
}
