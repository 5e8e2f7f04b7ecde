package io.frameloop.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;

/** What {@link PageHandler} does: the page's files, and {@code frameloop.json} made for the path it is asked at. */
final class PageFiles {

  /** The built-in page's class-path resources: a path of its own, so an app's own {@code webroot/} is never mixed with it. */
  static final String BUILT_IN_PAGE = "io/frameloop/webroot";
  private static final String SETTINGS_FILE = "frameloop.json";

  private final StaticHandler files;
  private final String framesPath;

  /**
   * @param webroot    the page's directory; empty for the built-in page
   * @param framesPath the frames route as the server's root router serves it
   */
  PageFiles(String webroot, String framesPath) {
    this.files = staticFiles(webroot);
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
    if (ctx.request().method().name().equals("GET") && SETTINGS_FILE.equals(pathUnderMount(ctx))) {
      ctx.json(new JsonObject().put("framesPath", framesPathFrom(ctx.request().path())));
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
