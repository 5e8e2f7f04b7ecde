package io.frameloop.server;

import io.vertx.ext.web.Route;
import java.util.List;
import java.util.function.Consumer;

/** The routes of one mount, removed together; it tells its owner once it is gone. */
final class RouteMount implements FrameLoopMount {

  private final List<Route> routes;
  private final Consumer<RouteMount> onUnmounted;
  private boolean mounted = true;

  /** @param onUnmounted hears that the routes are gone (the FrameLoop forgets the mount) */
  RouteMount(List<Route> routes, Consumer<RouteMount> onUnmounted) {
    this.routes = List.copyOf(routes);
    this.onUnmounted = onUnmounted;
  }

  @Override
  public void unmount() {
    synchronized (this) {
      if (!mounted) {
        return;
      }
      mounted = false;
    }
    routes.forEach(Route::remove);
    onUnmounted.accept(this);
  }
}
