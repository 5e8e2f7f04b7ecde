package io.frameloop.server;

import io.frameloop.auth.ManagementAuthHandler;
import io.frameloop.auth.SessionAdmission;
import io.frameloop.auth.TenantQuotas;
import io.frameloop.auth.TokenAuth;
import io.frameloop.image.JpegCodecs;
import io.frameloop.image.OpenCvLoader;
import io.frameloop.pipeline.FrameProcessor;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineRules;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.protocol.HelloLimits;
import io.frameloop.session.FrameScheduler;
import io.frameloop.worker.WorkerOptions;
import io.frameloop.worker.WorkerPool;
import io.frameloop.session.SessionServices;
import io.frameloop.worker.Workers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencv.core.Core;

/**
 * The FrameLoop service, embeddable in any Vert.x application: composes the worker pool, the
 * scheduler and the {@link FramesHandler}. {@link FrameLoopVerticle} runs it with its own HTTP
 * server; to use your own, {@link #deploy} it and {@link #mount} it on your router.
 */
public final class FrameLoop {

  /** The close reason sessions get when the server stops. */
  public static final String SHUTDOWN_REASON = "server shutting down";

  private static final System.Logger LOG = System.getLogger(FrameLoop.class.getName());
  /** The built-in page's class-path resources: a path of its own, so an app's own {@code webroot/} is never mixed with it. */
  static final String BUILT_IN_PAGE = "io/frameloop/webroot";

  private final Vertx vertx;
  private final FrameLoopOptions options;
  private final WorkerPool pool;
  private final FramesHandler framesHandler;
  private final io.frameloop.record.Recorder recorder;
  private final MeterRegistry meterRegistry;
  private final String codecName;
  private final String workerDeployment;
  private volatile boolean closed;
  private final long activityTimer;

  private FrameLoop(Vertx vertx, FrameLoopOptions options, OpRegistry registry, Startup startup, TokenAuth tokens,
                    WorkerPool pool, MeterRegistry meterRegistry, String workerDeployment) {
    this.vertx = vertx;
    this.options = options;
    this.codecName = startup.codec().name();
    this.workerDeployment = workerDeployment;
    this.meterRegistry = meterRegistry;
    this.pool = pool;
    FrameLoopMetrics metrics = new FrameLoopMetrics(meterRegistry, this::sessionCount, pool, options.effectiveWorkerInstances());
    HelloLimits helloLimits = options.helloLimits();
    SessionAdmission admission = tokens == null ? SessionAdmission.anonymous(metrics)
      : SessionAdmission.tokens(tokens, new TenantQuotas(options.getAuthOptions(), meterRegistry, metrics));
    this.recorder = io.frameloop.record.Recorder.create(vertx, options.getRecordingOptions());
    this.framesHandler = FramesHandler.create(vertx, new SessionServices(options.getSessionOptions(), pipelineRules(registry, options),
      startup.pipeline(), helloLimits, metrics, new FrameScheduler(pool), recorder), options.getRouteOptions().getAllowedOrigins(), admission);
    ActivityLog activity = new ActivityLog(meterRegistry, framesHandler::sessionCount, framesHandler::sessionsOpened);
    this.activityTimer = vertx.setPeriodic(ActivityLog.INTERVAL_MS, timer -> activity.tick());
  }

  /** Deploys the service with the built-in ops and the plug-ins found on the class path. */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options) {
    return defaultRegistry(vertx, options).compose(registry -> deploy(vertx, options, registry));
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
    WorkerOptions workers = copy.getWorkerOptions();
    return prepare(vertx, copy, registry)
      // Reads the public key file: not on the event loop. Null when authentication is off.
      .compose(startup -> vertx.executeBlocking(() -> TokenAuth.create(vertx, copy.getAuthOptions()))
        .compose(tokens -> deployWorkers(vertx, copy, registry, startup, meterRegistry)
        .compose(id -> Workers.pool(vertx, workers.getAddress(), workers.getProcessTimeoutMs(), workers.getMaxInFlight())
        .map(pool -> {
          LOG.log(System.Logger.Level.INFO, "FrameLoop {0} ({1}): {2} worker verticles, {3} frames in flight at most,"
              + " OpenCV {4}, JPEG codec {5} ({6}), default pipeline {7}", copy.getNodeName(),
            copy.getClusterOptions().getRole(), copy.effectiveWorkerInstances(), workers.getMaxInFlight() == 0 ? "one per worker" : workers.getMaxInFlight(), Core.VERSION,
            startup.codec().name(), startup.codec().reason(), startup.pipeline().toJson().encode());
          return new FrameLoop(vertx, copy, registry, startup, tokens, pool, meterRegistry, id);
        }))));
  }

  /**
   * Deploys only the worker verticles, with the built-in ops and the class path's plug-ins: a
   * {@code worker} node of a cluster, which processes frames that front ends send to
   * {@code address} and serves no HTTP. Completes with the deployment id (undeploy it to stop).
   */
  public static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options) {
    return defaultRegistry(vertx, options).compose(registry -> deployWorkers(vertx, options, registry));
  }

  /** {@link #deployWorkers(Vertx, FrameLoopOptions)} with the ops of {@code registry}. */
  public static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    FrameLoopOptions copy = new FrameLoopOptions(options);
    // A worker node serves no /metrics: its meters go nowhere.
    return prepare(vertx, copy, registry).compose(startup -> deployWorkers(vertx, copy, registry, startup, new SimpleMeterRegistry()))
      .onSuccess(id -> LOG.log(System.Logger.Level.INFO, "FrameLoop worker node {0}: {1} worker verticles on {2}",
        copy.getNodeName(), copy.effectiveWorkerInstances(), copy.getWorkerOptions().getAddress()));
  }

  /**
   * The built-in ops plus the class path's plug-ins, each configured with the server's settings;
   * the class-path scan blocks, so not on the event loop.
   */
  private static Future<OpRegistry> defaultRegistry(Vertx vertx, FrameLoopOptions options) {
    return vertx.executeBlocking(() -> OpRegistry.withDefaults(options.opSettings()));
  }

  private record Startup(PipelineSpec pipeline, JpegCodecs.Choice codec) {
  }

  private static Future<Startup> prepare(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    // Loading OpenCV and libjpeg-turbo reads large native libraries: not on the event loop.
    return vertx.executeBlocking(() -> {
      OpenCvLoader.load();
      return new Startup(parseDefaultPipeline(registry, options), JpegCodecs.choose(options.getWorkerOptions().getJpegCodec()));
    });
  }

  /** The worker verticles, or none (a null deployment id) for the front role. */
  private static Future<String> deployWorkers(Vertx vertx, FrameLoopOptions options, OpRegistry registry, Startup startup,
                                              MeterRegistry meters) {
    int instances = options.effectiveWorkerInstances();
    if (instances == 0) {
      return Future.succeededFuture();
    }
    AtomicInteger made = new AtomicInteger();
    return Workers.deploy(vertx, options.getWorkerOptions().getAddress(), instances, () -> {
      FrameProcessor processor = new FrameProcessor(registry, options.getImageLimits(), startup.codec().factory().get());
      // One gauge per processor a worker made (a worker makes a new one after running out of memory).
      Gauge.builder("frameloop.worker.native.bytes", processor, FrameProcessor::nativeBytes).tag("worker", Integer.toString(made.getAndIncrement()))
        .description("Native memory a worker's frame processor holds (images, buffers)").register(meters);
      return processor;
    }, options.getNodeName());
  }

  private static PipelineRules pipelineRules(OpRegistry registry, FrameLoopOptions options) {
    return new PipelineRules(registry, options.getPipelineLimits(), options.getImageLimits());
  }

  private static PipelineSpec parseDefaultPipeline(OpRegistry registry, FrameLoopOptions options) {
    try {
      return pipelineRules(registry, options).parse(options.getPipeline(), 80);
    } catch (PipelineException e) {
      throw new IllegalArgumentException("invalid default pipeline in the configuration: " + e.getMessage());
    }
  }

  /**
   * Adds the service's routes to a router: the frames WebSocket at {@code framesPath}, Prometheus
   * metrics at {@code metricsPath} and the health check at {@code healthPath} (each unless
   * empty; behind the {@code managementToken} when it is set). The page is not among them: see
   * {@link #mountPage}.
   */
  public Router mount(Router router) {
    router.route(options.getRouteOptions().getFramesPath()).handler(framesHandler);
    if (!options.getRouteOptions().getMetricsPath().isEmpty() && meterRegistry instanceof PrometheusMeterRegistry prometheus) {
      operations(router, options.getRouteOptions().getMetricsPath()).handler(PrometheusHandler.create(prometheus));
    }
    if (!options.getRouteOptions().getHealthPath().isEmpty()) {
      operations(router, options.getRouteOptions().getHealthPath()).handler(HealthCheckHandler.createWithHealthChecks(healthChecks()));
    }
    return router;
  }

  /** An operations endpoint's route: behind the management token when one is set. */
  private Route operations(Router router, String path) {
    Route route = router.get(path);
    String managementToken = options.getAuthOptions().getManagementToken();
    return managementToken == null ? route : route.handler(ManagementAuthHandler.create(managementToken));
  }

  /** Serves the webcam page at {@code /} on every path the router does not answer otherwise: {@link #pageRouter} at the root. */
  public Router mountPage(Router router) {
    router.route("/*").subRouter(pageRouter());
    return router;
  }

  /**
   * The webcam page alone, to mount where you like: {@code router.route("/video/*").subRouter(frameLoop.pageRouter())}.
   * It serves only its own files (the built-in page from FrameLoop's class-path resources, or the
   * {@code webroot} directory) and {@code frameloop.json}, which tells the page the way from its
   * own directory to {@code framesPath} (the frames route as the server's root router serves it).
   */
  public Router pageRouter() {
    Router page = Router.router(vertx);
    String framesPath = options.getRouteOptions().getFramesPath();
    // Relative to the page's own directory, so that it also holds behind a proxy that adds a prefix.
    page.get("/frameloop.json").handler(ctx -> ctx.json(new JsonObject().put("framesPath",
      "../".repeat((int) ctx.request().path().chars().filter(c -> c == '/').count() - 1) + framesPath.substring(1))));
    String webroot = options.getRouteOptions().getWebroot();
    page.route("/*").handler(webroot.isEmpty() ? StaticHandler.create(BUILT_IN_PAGE)
      : java.nio.file.Path.of(webroot).isAbsolute() ? StaticHandler.create(FileSystemAccess.ROOT, webroot) : StaticHandler.create(webroot));
    return page;
  }

  /**
   * {@code workers}: up while this node's worker verticles are deployed, at least one worker is
   * known and none is stuck on a frame (the data names them); {@code opencv}: the loaded version.
   */
  public HealthChecks healthChecks() {
    return HealthChecks.create(vertx)
      .register("workers", promise -> {
        JsonObject data = pool.health().put("sessions", sessionCount());
        boolean up = !closed && (workerDeployment == null || vertx.deploymentIDs().contains(workerDeployment))
          && data.getInteger("workers") > 0 && data.getJsonArray("stuck").isEmpty();
        promise.complete(up ? Status.OK(data) : Status.KO(data));
      })
      .register("opencv", promise -> promise.complete(Status.OK(new JsonObject().put("version", Core.VERSION)
        .put("jpegCodec", codecName))));
  }

  /** The frames route's handler, to mount it yourself. */
  public FramesHandler framesHandler() {
    return framesHandler;
  }

  /** See {@link FramesHandler#accept}. */
  public void accept(ServerWebSocket socket) {
    framesHandler.accept(socket);
  }

  /** A copy of the options in force (changing it changes nothing). */
  public FrameLoopOptions options() {
    return new FrameLoopOptions(options);
  }

  /** The JPEG codec the workers use: {@code turbojpeg} or {@code opencv}. */
  public String codecName() {
    return codecName;
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  public int sessionCount() {
    return framesHandler == null ? 0 : framesHandler.sessionCount();
  }

  /**
   * Refuses new sessions, closes every open one with 1001 (going away), lets their recordings finish
   * ({@link io.frameloop.record.Recorder#close}), then undeploys the workers; a frame in processing is let go.
   */
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(activityTimer);
    // The workers may already be gone when FrameLoopVerticle (their parent) is undeployed.
    return framesHandler.close(SHUTDOWN_REASON).compose(v -> recorder.close()).onComplete(v -> pool.close())
      .compose(v -> workerDeployment == null ? Future.succeededFuture() : vertx.undeploy(workerDeployment).otherwiseEmpty());
  }
}
