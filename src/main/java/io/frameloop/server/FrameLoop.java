package io.frameloop.server;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.pipeline.PipelineException;
import io.frameloop.pipeline.PipelineSpec;
import io.frameloop.pipeline.ProcessedFrame;
import io.frameloop.session.FrameScheduler;
import io.frameloop.session.FrameSession;
import io.frameloop.session.SessionConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
  private final SessionConfig sessionConfig;
  private final FrameScheduler scheduler;
  private final DeliveryOptions deliveryOptions;
  private final String workerDeployment;
  private final Set<FrameSession> sessions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private FrameLoop(Vertx vertx, FrameLoopOptions options, SessionConfig sessionConfig, String workerDeployment) {
    this.vertx = vertx;
    this.options = options;
    this.sessionConfig = sessionConfig;
    this.workerDeployment = workerDeployment;
    this.scheduler = new FrameScheduler(options.effectiveWorkerInstances());
    this.deliveryOptions = new DeliveryOptions().setSendTimeout(options.getProcessTimeoutMs());
  }

  /** Deploys the service with the built-in ops and the plug-ins found on the class path. */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options) {
    return deploy(vertx, options, OpRegistry.withDefaults(Path.of(options.getFaceCascade())));
  }

  /** Deploys the service with the ops of {@code registry}: the worker verticles, then the handler. */
  public static Future<FrameLoop> deploy(Vertx vertx, FrameLoopOptions options, OpRegistry registry) {
    FrameLoopOptions copy = new FrameLoopOptions(options);
    PipelineSpec defaultPipeline;
    try {
      OpenCvLoader.load();
      defaultPipeline = registry.parse(copy.getPipeline(), 80);
    } catch (PipelineException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid default pipeline in the configuration: " + e.getMessage()));
    } catch (RuntimeException | LinkageError e) {
      return Future.failedFuture(e);
    }
    registerCodecs(vertx);
    int instances = copy.effectiveWorkerInstances();
    DeploymentOptions workers = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(instances)
      .setWorkerPoolName("frameloop-workers")
      .setWorkerPoolSize(instances);
    SessionConfig sessionConfig = new SessionConfig(registry, defaultPipeline, copy.limitsJson(),
      copy.getStatsIntervalMs(), copy.getMaxFps(), copy.getMaxTextMessageBytes());
    return vertx.deployVerticle(() -> new WorkerVerticle(copy.getAddress(), registry, copy.imageLimits()), workers)
      .map(id -> {
        LOG.log(System.Logger.Level.INFO, "FrameLoop: {0} worker verticles, default pipeline {1}",
          instances, defaultPipeline.toJson().encode());
        return new FrameLoop(vertx, copy, sessionConfig, id);
      });
  }

  private static void registerCodecs(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(FrameJob.class, new LocalCodec<>(FrameJob.class));
      vertx.eventBus().registerDefaultCodec(ProcessedFrame.class, new LocalCodec<>(ProcessedFrame.class));
    } catch (IllegalStateException alreadyRegistered) {
      // Another FrameLoop in this Vert.x instance registered them: the same codecs.
    }
  }

  /** Adds the {@code /frames} WebSocket route and the static page (webroot) to a router. */
  public Router mount(Router router) {
    router.route(options.getFramesPath()).handler(webSocketRouteHandler());
    router.route("/*").handler(StaticHandler.create(options.getWebroot()));
    return router;
  }

  /** A route handler that upgrades the request to a FrameLoop WebSocket session. */
  public Handler<RoutingContext> webSocketRouteHandler() {
    return ctx -> {
      if (closed) {
        ctx.response().setStatusCode(503).end("FrameLoop is shutting down");
        return;
      }
      ctx.request().toWebSocket()
        .onSuccess(this::accept)
        .onFailure(ctx::fail);
    };
  }

  /** Starts a session on an accepted WebSocket. */
  public void accept(ServerWebSocket socket) {
    if (closed) {
      socket.close((short) 1001, SHUTDOWN_REASON);
      return;
    }
    socket.setWriteQueueMaxSize(options.getWriteQueueMaxBytes());
    FrameSession session = new FrameSession(socket, vertx.getOrCreateContext(), sessionConfig, scheduler, this::process);
    sessions.add(session);
    socket.closeHandler(v -> {
      session.close();
      sessions.remove(session);
    });
    session.start(vertx);
  }

  private Future<ProcessedFrame> process(FrameJob job) {
    return vertx.eventBus().<ProcessedFrame>request(options.getAddress(), job, deliveryOptions).map(Message::body);
  }

  public FrameLoopOptions options() {
    return options;
  }

  public FrameScheduler scheduler() {
    return scheduler;
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
    sessions.clear();
    // The workers may already be gone when FrameLoopVerticle (their parent) is undeployed.
    return Future.join(closing).otherwiseEmpty()
      .compose(v -> vertx.undeploy(workerDeployment).otherwiseEmpty());
  }
}
