package io.frameloop.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.Set;

/** What {@link PageHandler} does: the page's files, and {@code frameloop.json} made for the path it is asked at. */
final class PageFiles {

  /** The built-in page's class-path resources: a path of its own, so an app's own {@code webroot/} is never mixed with it. */
  static final String BUILT_IN_PAGE = "io/frameloop/webroot";
  private static final String SETTINGS_FILE = "frameloop.json";
  /**
   * The browser client library ({@code frameloop-client.js} and the modules it loads): FrameLoop's,
   * not the page's, so served from the built-in page whatever {@code webroot} says, for an app's own
   * page to import. {@code PageFilesTest} checks the list against the library's imports.
   */
  static final Set<String> CLIENT_LIBRARY = Set.of("frameloop-client.js", "frame-header.js", "backoff.js",
    "credit-window.js", "send-pacing.js", "adaptation.js", "adaptive.js", "adaptive-constants.json", "percentile.js", "stage-timings.js",
    "camera-capture.js", "limits.js", "reply-mode.js", "video-sender.js", "video-reply-decoder.js");

  private final StaticHandler files;
  /** The built-in page's files, for the client library when {@code webroot} is a directory of the app's. */
  private final StaticHandler clientLibrary;
  private final String framesPath;

  /**
   * @param webroot    the page's directory; empty for the built-in page
   * @param framesPath the frames route as the server's root router serves it
   */
  PageFiles(String webroot, String framesPath) {
    this.files = staticFiles(webroot);
    this.clientLibrary = webroot.isEmpty() ? files : StaticHandler.create(BUILT_IN_PAGE);
    this.framesPath = framesPath;
  }

  private static StaticHandler staticFiles(String webroot) {
    if (webroot.isEmpty()) {
      return StaticHandler.create(BUILT_IN_PAGE);
    }
    if (Path.of(webroot).isAbsolute()) {
      return StaticHandler.create(FileSystemAccess.ROOT, webroot);
    }
    return StaticHandler.create(webroot);
  }

  void handle(RoutingContext ctx) {
    String path = pathUnderMount(ctx);
    if (ctx.request().method().name().equals("GET") && SETTINGS_FILE.equals(path)) {
      ctx.json(new JsonObject().put("framesPath", framesPathFrom(ctx.request().path())));
    } else if (CLIENT_LIBRARY.contains(path)) {
      clientLibrary.handle(ctx);
    } else {
      files.handle(ctx);
    }
  }

  /** The path asked for below the route the page is mounted on, without its leading slash. */
  private static String pathUnderMount(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String mountPoint = ctx.mountPoint();
    if (mountPoint != null && path.startsWith(mountPoint)) {
      path = path.substring(mountPoint.length());
    }
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /** Relative to the page's own directory, so that it also holds behind a proxy that adds a prefix. */
  private String framesPathFrom(String requestPath) {
    long depth = requestPath.chars().filter(c -> c == '/').count() - 1;
    return "../".repeat((int) depth) + framesPath.substring(1);
  }
}
