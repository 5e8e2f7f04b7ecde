package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One parameter of an op: its type, default and allowed values.
 *
 * @param defaultValue the value used when the client leaves the parameter out, or {@code null} for
 *                     an optional parameter without default
 */
public record OpParam(String name, Type type, Object defaultValue, Number min, Number max, List<String> choices,
                      String description) {

  public enum Type {
    INT, NUMBER, CHOICE;

    String jsonName() {
      return name().toLowerCase();
    }
  }

  public static OpParam intParam(String name, Integer defaultValue, int min, int max, String description) {
    return new OpParam(name, Type.INT, defaultValue, min, max, List.of(), description);
  }

  public static OpParam numberParam(String name, double defaultValue, double min, double max, String description) {
    return new OpParam(name, Type.NUMBER, defaultValue, min, max, List.of(), description);
  }

  public static OpParam choiceParam(String name, String defaultValue, List<String> choices, String description) {
    return new OpParam(name, Type.CHOICE, defaultValue, null, null, List.copyOf(choices), description);
  }

  /**
   * Checks a value the client sent and returns it in its normal form.
   *
   * @throws IllegalArgumentException naming the parameter and what is allowed
   */
  public Object normalize(Object value) {
    switch (type) {
      case INT -> {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new IllegalArgumentException("parameter '" + name + "' must be an integer, got " + describe(value));
        }
        checkRange(n);
        return n.intValue();
      }
      case NUMBER -> {
        if (!(value instanceof Number n)) {
          throw new IllegalArgumentException("parameter '" + name + "' must be a number, got " + describe(value));
        }
        checkRange(n);
        return n.doubleValue();
      }
      default -> {
        if (!(value instanceof String s) || !choices.contains(s)) {
          throw new IllegalArgumentException("parameter '" + name + "' must be one of " + choices + ", got " + describe(value));
        }
        return s;
      }
    }
  }

  private void checkRange(Number n) {
    if (n.doubleValue() < min.doubleValue() || n.doubleValue() > max.doubleValue()) {
      throw new IllegalArgumentException("parameter '" + name + "' must be between " + min + " and " + max + ", got " + n);
    }
  }

  private static String describe(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("type", type.jsonName());
    if (defaultValue != null) {
      json.put("default", defaultValue);
    }
    if (min != null) {
      json.put("min", min).put("max", max);
    }
    if (!choices.isEmpty()) {
      json.put("choices", new JsonArray(choices));
    }
    return json.put("description", description);
  }
}
