package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Await.await;
import static io.frameloop.testing.Pipelines.op;
import static io.frameloop.testing.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopMount;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;

/** The two ways to embed FrameLoop in another Vert.x application. */
@ExtendWith(VertxExtension.class)
class EmbeddingTest {

  @Test
  void deployedAsAVerticleWithJsonConfig(Vertx vertx) {
    JsonObject config = TestServers.options()
      .setPipeline(pipeline(op("resize").put("width", 320)).put("quality", 70))
      .toJson();
    FrameLoopVerticle verticle = new FrameLoopVerticle();
    await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));

    try (FrameClient client = FrameClient.connect(vertx, verticle.actualPort())) {
      assertThat(client.hello().getInteger("quality")).isEqualTo(70);
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      Mat image = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(image.cols()).isEqualTo(320);
    }
    await(vertx.undeploy(verticle.deploymentID()));
    assertThat(vertx.deploymentIDs()).as("workers undeployed with their parent").isEmpty();
  }

  @Test
  void mountedOnTheApplicationsOwnRouter(Vertx vertx) {
    FrameLoopOptions options = TestServers.options(o -> o.getRouteOptions().setFramesPath("/video/frames"));
    FrameLoop frameLoop = await(FrameLoopBootstrap.deploy(vertx, options));
    Router router = Router.router(vertx);
    router.get("/api/status").handler(ctx -> ctx.end("app is up"));
    frameLoop.mount(router);
    frameLoop.mountPage(router);
    HttpServer server = await(vertx.createHttpServer(options.listenOptions())
      .requestHandler(router).listen(0, "127.0.0.1"));
    int port = server.actualPort();

    try (FrameClient client = FrameClient.connect(vertx, port, "/video/frames")) {
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      Mat image = Images.decode(FrameFormat.decode(client.nextBinary()).jpeg());
      assertThat(image.cols()).isEqualTo(700);
      assertThat(frameLoop.sessionCount()).isEqualTo(1);
    }
    assertThat(Http.get(port, "/api/status").body()).isEqualTo("app is up");
    assertThat(Http.get(port, "/index.html").body()).contains("FrameLoop");
    assertThat(new JsonObject(Http.get(port, "/frameloop.json").body()).getString("framesPath")).isEqualTo("video/frames");

    await(frameLoop.close());
    assertThat(frameLoop.close()).as("closing again is the same close").isSameAs(frameLoop.close());
    await(server.close());
  }

  @Test
  void mountLeavesTheApplicationsOwnPagesAlone(Vertx vertx) {
    FrameLoopOptions options = TestServers.options();
    FrameLoop frameLoop = await(FrameLoopBootstrap.deploy(vertx, options));
    Router router = Router.router(vertx);
    frameLoop.mount(router);
    router.get("/").handler(ctx -> ctx.end("the app's home"));
    HttpServer server = await(vertx.createHttpServer(options.listenOptions()).requestHandler(router).listen(0, "127.0.0.1"));
    int port = server.actualPort();

    assertThat(Http.get(port, "/").body()).isEqualTo("the app's home");
    assertThat(Http.get(port, "/index.html").statusCode()).as("FrameLoop's page only with mountPage").isEqualTo(404);
    assertThat(Http.get(port, "/app.js").statusCode()).isEqualTo(404);
    assertThat(Http.get(port, "/health").statusCode()).isEqualTo(200);
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertThat(client.hello().getString("type")).isEqualTo("hello");
    }
    await(frameLoop.close());
    await(server.close());
  }

  @Test
  void unmountRemovesExactlyTheRoutesTheMountAdded(Vertx vertx) {
    FrameLoopOptions options = TestServers.options();
    FrameLoop frameLoop = await(FrameLoopBootstrap.deploy(vertx, options));
    Router router = Router.router(vertx);
    router.get("/api/status").handler(ctx -> ctx.end("app is up"));
    FrameLoopMount routes = frameLoop.mount(router);
    FrameLoopMount page = frameLoop.mountPage(router);
    HttpServer server = await(vertx.createHttpServer(options.listenOptions()).requestHandler(router).listen(0, "127.0.0.1"));
    int port = server.actualPort();
    assertThat(Http.get(port, "/health").statusCode()).isEqualTo(200);
    assertThat(Http.get(port, "/index.html").statusCode()).isEqualTo(200);

    page.unmount();
    assertThat(Http.get(port, "/index.html").statusCode()).as("the page is gone").isEqualTo(404);
    assertThat(Http.get(port, "/health").statusCode()).as("the other mount stays").isEqualTo(200);
    routes.unmount();
    routes.unmount(); // a second time does nothing
    assertThat(Http.get(port, "/health").statusCode()).isEqualTo(404);
    assertThat(Http.get(port, "/metrics").statusCode()).isEqualTo(404);
    assertThat(Http.get(port, "/frames").statusCode()).isEqualTo(404);
    assertThat(Http.get(port, "/api/status").body()).as("the app's own route stays").isEqualTo("app is up");
    await(frameLoop.close());
    await(server.close());
  }

  @Test
  void aFrameLoopMountedWhereAClosedOneWasIsNotShadowedByIt(Vertx vertx) {
    FrameLoopOptions options = TestServers.options();
    FrameLoop first = await(FrameLoopBootstrap.deploy(vertx, options));
    Router router = Router.router(vertx);
    first.mount(router);
    first.mountPage(router);
    HttpServer server = await(vertx.createHttpServer(options.listenOptions()).requestHandler(router).listen(0, "127.0.0.1"));
    int port = server.actualPort();
    await(first.close());
    assertThat(Http.get(port, "/index.html").statusCode()).as("a closed FrameLoop serves no page").isEqualTo(404);
    assertThat(Http.get(port, "/health").statusCode()).isEqualTo(404);

    // On the address the first one freed, the same paths, the same router.
    FrameLoopOptions secondOptions = TestServers.options(o -> o.getSessionOptions().setMaxSessions(7));
    FrameLoop second = await(FrameLoopBootstrap.deploy(vertx, secondOptions));
    second.mount(router);
    second.mountPage(router);
    assertThat(Http.get(port, "/index.html").statusCode()).isEqualTo(200);
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      assertThat(client.hello().getJsonObject("limits").getInteger("maxSessions")).as("the new FrameLoop answers").isEqualTo(7);
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
      assertThat(second.sessionCount()).isEqualTo(1);
    }
    await(second.close());
    await(server.close());
  }
}
