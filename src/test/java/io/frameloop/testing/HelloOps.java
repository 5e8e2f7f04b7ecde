package io.frameloop.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reads the op list a server's {@code hello} offers ({@code hello.ops}). */
public final class HelloOps {

  private HelloOps() {
  }

  /** The entry for op {@code name}, or a failure naming the ops offered. */
  public static JsonObject find(JsonArray ops, String name) {
    for (Object op : ops) {
      if (name.equals(((JsonObject) op).getString("op"))) {
        return (JsonObject) op;
      }
    }
    throw new AssertionError("no op " + name + " in " + ops.encode());
  }
}
