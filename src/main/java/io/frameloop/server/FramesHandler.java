package io.frameloop.server;

import io.frameloop.session.SessionServices;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The frames route: upgrades a request to a FrameLoop session after checking the Origin (403)
 * and the session limit (503), and keeps the open sessions until they close.
 */
public interface FramesHandler extends Handler<RoutingContext> {

  /**
   * @param allowedOrigins browser origins allowed besides the page's own (see
   *                       {@link FrameLoopOptions#setAllowedOrigins})
   */
  static FramesHandler create(Vertx vertx, SessionServices services, List<String> allowedOrigins) {
    return new FramesHandlerImpl(vertx, services, new OriginPolicy(allowedOrigins));
  }

  /**
   * Starts a session on a WebSocket accepted elsewhere (no Origin check here; the session limit
   * applies: over it, the socket is closed with 1013, try again later).
   */
  void accept(ServerWebSocket socket);

  int sessionCount();

  /** Refuses new sessions and closes every open one with 1001 (going away) and the reason. */
  Future<Void> close(String reason);
}
