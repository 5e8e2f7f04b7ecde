package io.frameloop.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The tests' one builder of pipeline JSON, as a client sends it:
 * {@code pipeline(op("mirror"), op("resize").put("width", 700))}.
 */
public final class Pipelines {

  private Pipelines() {
  }

  /** One step: {@code {"op": name}}; its parameters are put on the result. */
  public static JsonObject op(String name) {
    return new JsonObject().put("op", name);
  }

  /** {@code {"ops": [...]}}, each step copied (a step reused later is not shared). */
  public static JsonObject pipeline(JsonObject... ops) {
    return pipeline(List.of(ops));
  }

  public static JsonObject pipeline(List<JsonObject> ops) {
    return new JsonObject().put("ops", ops(ops));
  }

  /** The steps alone, as the {@code ops} array, each copied. */
  public static JsonArray ops(JsonObject... ops) {
    return ops(List.of(ops));
  }

  public static JsonArray ops(List<JsonObject> ops) {
    JsonArray array = new JsonArray();
    ops.forEach(op -> array.add(op.copy()));
    return array;
  }
}
