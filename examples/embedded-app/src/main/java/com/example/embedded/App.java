package com.example.embedded;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.ConnectionGuard;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopMount;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.RouteOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;

/**
 * An app of its own with FrameLoop inside, as a verticle: its own page at {@code /} and its own API
 * at {@code /api/status} and {@code /api/report}, FrameLoop's frames at {@code /video/frames}
 * (with {@code /metrics} and {@code /health}) and its webcam page under {@code /video/}, all on the
 * app's one HTTP server.
 */
public final class App extends VerticleBase {

  private final String host;
  private final int port;
  private final FrameLoopOptions frameLoopOptions;
  private Router router;
  private Router videoRouter;
  private volatile FrameLoop frameLoop;
  private FrameLoopMount webcamPage;
  private HttpServer server;

  /** The app on {@code host}:{@code port} (port 0: any free one), with FrameLoop configured by {@code frameLoopOptions}. */
  public App(String host, int port, FrameLoopOptions frameLoopOptions) {
    this.host = host;
    this.port = port;
    this.frameLoopOptions = new FrameLoopOptions(frameLoopOptions);
  }

  /** FrameLoop's options for this app: its frames under {@code /video/}, the rest FrameLoop's defaults. */
  public static FrameLoopOptions frameLoopOptions() {
    return new FrameLoopOptions().setRouteOptions(new RouteOptions().setFramesPath("/video/frames"));
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    router.get("/").handler(ctx -> ctx.response()
      .putHeader("content-type", "text/html; charset=utf-8")
      .end("<!doctype html><title>embedded-app</title><p>The app's own page. <a href=\"video/\">Webcam</a></p>"));
    router.get("/api/status").handler(ctx -> ctx.json(new JsonObject()
      .put("app", "embedded-app")
      .put("sessions", frameLoop.sessionCount())));
    router.get("/api/report").handler(this::report);
    videoRouter = Router.router(vertx);
    router.route("/video/*").subRouter(videoRouter);
    return startFrameLoop(frameLoopOptions)
      .compose(started -> listen())
      .onSuccess(listening -> server = listening)
      .recover(failure -> frameLoop == null ? Future.failedFuture(failure)
        : frameLoop.close().transform(closed -> Future.failedFuture(failure)));
  }

  /** The app's server: its own options, with FrameLoop's WebSocket settings and nothing else of FrameLoop's. */
  private Future<HttpServer> listen() {
    HttpServerOptions serverOptions = frameLoopOptions.applyWebSocketSettings(new HttpServerOptions().setHost(host).setPort(port));
    ConnectionGuard guard = ConnectionGuard.create(vertx, frameLoopOptions.getConnectionLimits());
    return vertx.createHttpServer(serverOptions)
      .connectionHandler(guard) // closes connections that never finish a request
      .requestHandler(guard.then(router))
      .listen();
  }

  /** The app's own report, made by the app's own executor and answered from its thread. */
  private void report(RoutingContext ctx) {
    CompletableFuture.supplyAsync(() -> "embedded-app report, made on " + Thread.currentThread().getName())
      .thenAccept(report -> ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end(report));
  }

  /** Deploys a FrameLoop with {@code options} and mounts its routes and its webcam page. */
  private Future<FrameLoop> startFrameLoop(FrameLoopOptions options) {
    // The built-in ops and the class path's plug-ins, configured with the options' settings (faceModel...),
    // never their secrets. withDefaults scans the class path and checks the face models: not on the event loop.
    return vertx.executeBlocking(() -> OpRegistry.withDefaults(options.opSettings()))
      .compose(ops -> FrameLoopBootstrap.deploy(vertx, options, ops))
      .onSuccess(deployed -> {
        frameLoop = deployed;
        deployed.mount(router); // the frames WebSocket, /metrics and /health
        webcamPage = deployed.mountPage(videoRouter); // the webcam page under /video/
      });
  }

  /**
   * Closes the running FrameLoop (its sessions get 1001 "server shutting down", its routes go) and
   * puts one with {@code options} in its place: new video settings without restarting the app.
   */
  public Future<FrameLoop> restartFrameLoop(FrameLoopOptions options) {
    return frameLoop.close().compose(closed -> startFrameLoop(options));
  }

  /** Takes FrameLoop's webcam page off (e.g. for maintenance); the frames, /metrics, /health and the app's routes stay. */
  public void removeWebcamPage() {
    webcamPage.unmount();
  }

  @Override
  public Future<?> stop() {
    return frameLoop.close().compose(closed -> server.close());
  }

  /** The port the app listens on. */
  public int port() {
    return server.actualPort();
  }

  /** The FrameLoop running now. */
  public FrameLoop frameLoop() {
    return frameLoop;
  }

  /** {@code java com.example.embedded.App [port]}: on 127.0.0.1, port 8080 unless given (0: any free one). */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    Vertx vertx = Vertx.vertx();
    App app = new App("127.0.0.1", port, frameLoopOptions());
    try {
      vertx.deployVerticle(app).await();
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
    // Closing Vert.x undeploys the app: FrameLoop's sessions closed, then the HTTP server.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
    System.out.println("embedded-app on http://127.0.0.1:" + app.port() + "/ (the webcam page at /video/)");
  }
}
