package com.example.embedded;

import io.frameloop.server.ConnectionGuard;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.RouteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * An app of its own with FrameLoop inside: its own page at {@code /} and its own API at
 * {@code /api/status}, FrameLoop's webcam page under {@code /video/} and its frames at
 * {@code /video/frames}, all on one HTTP server.
 */
public final class App {

  private final FrameLoop frameLoop;
  private final HttpServer server;

  private App(FrameLoop frameLoop, HttpServer server) {
    this.frameLoop = frameLoop;
    this.server = server;
  }

  /** Starts the app on {@code host}:{@code port} (port 0: any free one). */
  public static Future<App> start(Vertx vertx, String host, int port) {
    FrameLoopOptions options = new FrameLoopOptions().setRouteOptions(new RouteOptions().setFramesPath("/video/frames"));
    options.getHttpServerOptions().setHost(host).setPort(port);
    // The built-in ops and the class path's plug-ins; BlazeFace's model comes from the models artifact.
    return FrameLoop.deploy(vertx, options).compose(frameLoop -> {
      Router router = Router.router(vertx);
      router.get("/").handler(ctx -> ctx.response().putHeader("content-type", "text/html; charset=utf-8")
        .end("<!doctype html><title>embedded-app</title><p>The app's own page. <a href=\"video/\">Webcam</a></p>"));
      router.get("/api/status").handler(ctx -> ctx.json(new JsonObject()
        .put("app", "embedded-app")
        .put("sessions", frameLoop.sessionCount())));
      frameLoop.mount(router); // the frames WebSocket, /metrics and /health
      router.route("/video/*").subRouter(frameLoop.pageRouter());
      ConnectionGuard guard = ConnectionGuard.create(vertx, options.getConnectionLimits());
      return vertx.createHttpServer(options.listenOptions())
        .connectionHandler(guard)
        .requestHandler(guard.then(router))
        .listen()
        .map(server -> new App(frameLoop, server))
        .recover(failure -> frameLoop.close().transform(closed -> Future.failedFuture(failure)));
    });
  }

  /** The port the app listens on. */
  public int port() {
    return server.actualPort();
  }

  /** Closes FrameLoop's sessions (1001 "server shutting down"), then the HTTP server. */
  public Future<Void> close() {
    return frameLoop.close().compose(closed -> server.close());
  }

  /** {@code java com.example.embedded.App [port]}: on 127.0.0.1, port 8080 unless given. */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    Vertx vertx = Vertx.vertx();
    App app;
    try {
      app = start(vertx, "127.0.0.1", port).await();
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> app.close().compose(closed -> vertx.close()).await()));
    System.out.println("embedded-app on http://127.0.0.1:" + app.port() + "/ (the webcam page at /video/)");
  }
}
