package io.frameloop.server;

import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Forgets what an admitted upgrade carried that may hold its token: the headers (Authorization,
 * the bearer subprotocol) and the request URI with its query ({@code ?access_token=}). A session
 * lives for hours; its token should not, in heap dumps or memory read by a bug. Vert.x keeps the
 * upgrade request (its URI, query, parameters, Netty's request) and Netty's handshaker (the URI)
 * for the socket's life, with no way to drop them: those fields of Vert.x's, vertx-web's and
 * Netty's HTTP objects are set to the path alone (the query and parameters to null) through
 * reflection. Where another Vert.x version has other fields, nothing happens (a copy stays, as
 * before); {@code QueryTokenHeapTest} checks this version in a heap dump.
 */
final class UpgradeTraces {

  private static final Set<String> URI_FIELDS = Set.of("uri", "absoluteURI");
  /** Vert.x's and vertx-web's HTTP implementation classes: the socket, its wrappers, the request. */
  private static final Set<String> PACKAGES = Set.of("io.vertx.core.http.impl", "io.vertx.core.internal.http",
    "io.vertx.ext.web.impl", "io.netty.handler.codec.http.websocketx");
  private static final int MAX_DEPTH = 3;

  private UpgradeTraces() {
  }

  /**
   * @param upgrade the upgrade request and Vert.x's handshake (the future {@code toWebSocket}
   *                returned), when the socket came from one; none for a socket handed to accept
   */
  static void forget(ServerWebSocket socket, Object... upgrade) {
    socket.headers().clear();
    String query = socket.query();
    if (query == null || query.isEmpty()) {
      return;
    }
    try {
      Map<Object, Boolean> seen = new IdentityHashMap<>();
      String path = socket.path();
      scrub(socket, path, 0, seen);
      for (Object part : upgrade) {
        scrub(part, path, 0, seen);
      }
    } catch (RuntimeException | LinkageError refused) {
      // a Vert.x or JVM that refuses: the copy stays, as before
    }
  }

  private static boolean holdsTheRequest(Class<?> type) {
    String name = type.getSimpleName();
    return PACKAGES.contains(type.getPackageName())
      && (name.contains("WebSocket") || name.contains("Request") || name.contains("Response") || name.contains("Handshaker"));
  }

  private static void scrub(Object target, String path, int depth, Map<Object, Boolean> seen) {
    if (target == null || depth > MAX_DEPTH || seen.put(target, true) != null) {
      return;
    }
    for (Class<?> type = target.getClass(); type != null && holdsTheRequest(type); type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        try {
          field.setAccessible(true);
          Object value = field.get(target);
          if (value instanceof String text && text.indexOf('?') >= 0 && URI_FIELDS.contains(field.getName())) {
            field.set(target, path);
          } else if ((value instanceof String && field.getName().equals("query"))
            || (value instanceof MultiMap && field.getName().equals("params"))) { // parsed again if asked for
            field.set(target, null);
          } else if (value instanceof HttpRequest request) {
            request.setUri(path);
          } else if (value != null && holdsTheRequest(value.getClass())) {
            scrub(value, path, depth + 1, seen);
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // this field stays as it is
        }
      }
    }
  }
}
