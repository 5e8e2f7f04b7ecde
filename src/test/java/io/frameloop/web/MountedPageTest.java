package io.frameloop.web;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.RouteOptions;
import io.frameloop.testing.Http;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FrameLoop's page mounted where an app wants it (under a prefix, with a frames path of the
 * app's choosing), beside the app's own page and routes, in a real headless Chromium.
 */
@ExtendWith(VertxExtension.class)
class MountedPageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void thePageUnderAPrefixStreamsThroughTheConfiguredFramesPathAndTheAppKeepsItsOwnRoot(Vertx vertx) {
    FrameLoopOptions options = TestServers.options(o -> o.getRouteOptions().setFramesPath("/api/camera/frames"));
    FrameLoop frameLoop = await(FrameLoopBootstrap.deploy(vertx, options));
    Router router = Router.router(vertx);
    router.get("/").handler(ctx -> ctx.end("the app's own page"));
    frameLoop.mount(router);
    router.route("/video/*").subRouter(frameLoop.pageRouter());
    HttpServer server = await(vertx.createHttpServer(options.listenOptions()).requestHandler(router).listen());
    int port = server.actualPort();

    assertThat(Http.get(port, "/").body()).isEqualTo("the app's own page");
    assertThat(Http.get(port, "/app.js").statusCode()).as("FrameLoop's files only under its prefix").isEqualTo(404);
    assertThat(Http.get(port, "/video/app.js").statusCode()).isEqualTo(200);
    // Relative to the page: it holds behind a proxy that adds a prefix too.
    assertThat(new JsonObject(Http.get(port, "/video/frameloop.json").body()).getString("framesPath")).isEqualTo("../api/camera/frames");
    // Nothing outside the page's own files: FrameLoop's own classes sit right beside them on the class path.
    for (String escape : new String[] {"/video/../server/FrameLoop.class", "/video/%2e%2e/server/FrameLoop.class",
      "/video/..%2Fserver%2FFrameLoop.class", "/video/%2e%2e%2fserver%2fFrameLoop.class"}) {
      assertThat(Http.get(port, escape).statusCode()).as(escape).isNotEqualTo(200);
    }

    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/video/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      assertThat(browser.framesUrl()).endsWith("/api/camera/frames");
      browser.click("start");
      browser.waitFor("processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 5);
    }
    await(frameLoop.close());
  }

  @Test
  void aWebrootWithoutAPageIsRefused() {
    assertThatThrownBy(() -> new RouteOptions().setWebroot(".")).hasMessageContaining("index.html");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("webroot", "."))).hasMessageContaining("'webroot'");
  }
}
