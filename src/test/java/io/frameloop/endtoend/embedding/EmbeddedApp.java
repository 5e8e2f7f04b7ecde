package io.frameloop.endtoend.embedding;

import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.RouteOptions;
import io.frameloop.testing.InvertOpFactory;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * A small app that embeds FrameLoop as the README shows, run by {@link LibraryAloneTest} in a JVM
 * whose class path has the library and its required dependencies only (no Hazelcast, no picocli):
 * its own page and routes at {@code /}, FrameLoop's page under {@code /video/}, frames at
 * {@code /video/frames}, a custom op. Prints {@code APP LISTENING <port>} when it is up.
 */
public final class EmbeddedApp {

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    FrameLoopOptions options = new FrameLoopOptions().setRouteOptions(new RouteOptions().setFramesPath("/video/frames"));
    options.getHttpServerOptions().setHost("127.0.0.1").setPort(0);
    OpRegistry ops = OpRegistry.withDefaults(options.opSettings()).register(new InvertOpFactory("negative"));
    FrameLoop frameLoop;
    try {
      frameLoop = FrameLoopBootstrap.deploy(vertx, options, ops).await();
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
    Router router = Router.router(vertx);
    router.get("/api/status").handler(ctx -> ctx.end("app is up"));
    frameLoop.mount(router);
    router.route("/video/*").subRouter(frameLoop.pageRouter());
    router.route("/*").handler(StaticHandler.create(FileSystemAccess.ROOT, args[0])); // the app's own webroot
    int port = vertx.createHttpServer(options.listenOptions()).requestHandler(router).listen().await().actualPort();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> frameLoop.close().compose(v -> vertx.close()).await()));
    System.out.println("APP LISTENING " + port);
  }
}
