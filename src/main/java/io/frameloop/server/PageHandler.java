package io.frameloop.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The webcam page: its files and {@code frameloop.json}, which tells the page the way from its
 * own directory to the frames route. Mount it on a route ending in {@code /*}, on a router or a
 * sub-router; it answers only for its own files.
 */
public interface PageHandler extends Handler<RoutingContext> {

  /** The page as {@code routes} places it: the built-in page, or the {@code webroot} directory. */
  static PageHandler create(Vertx vertx, RouteOptions routes) {
    PageFiles page = new PageFiles(routes.getWebroot(), routes.getFramesPath());
    return page::handle;
  }
}
