package io.frameloop.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
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
    INT, NUMBER, CHOICE, BOOLEAN;

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

  public static OpParam booleanParam(String name, boolean defaultValue, String description) {
    return new OpParam(name, Type.BOOLEAN, defaultValue, null, null, List.of(), description);
  }

  public static OpParam choiceParam(String name, String defaultValue, List<String> choices, String description) {
    return new OpParam(name, Type.CHOICE, defaultValue, null, null, List.copyOf(choices), description);
  }

  /**
   * Checks a value the client sent and returns it in its normal form. Numbers are compared
   * exactly, before any conversion: a JSON number too large for an {@code int} is out of range,
   * never truncated into it.
   *
   * @throws IllegalArgumentException naming the parameter and what is allowed
   */
  public Object normalize(Object value) {
    switch (type) {
      case INT -> {
        BigDecimal exact = exact(value);
        if (exact == null || exact.stripTrailingZeros().scale() > 0) {
          throw new IllegalArgumentException("parameter '" + name + "' must be an integer, got " + describe(value));
        }
        checkRange(exact, value);
        return exact.intValueExact();
      }
      case NUMBER -> {
        BigDecimal exact = exact(value);
        if (exact == null) {
          throw new IllegalArgumentException("parameter '" + name + "' must be a number, got " + describe(value));
        }
        checkRange(exact, value);
        return exact.doubleValue();
      }
      case BOOLEAN -> {
        if (!(value instanceof Boolean)) {
          throw new IllegalArgumentException("parameter '" + name + "' must be true or false, got " + describe(value));
        }
        return value;
      }
      default -> {
        if (!(value instanceof String s) || !choices.contains(s)) {
          throw new IllegalArgumentException("parameter '" + name + "' must be one of " + choices + ", got " + describe(value));
        }
        return s;
      }
    }
  }

  private void checkRange(BigDecimal exact, Object value) {
    if (exact.compareTo(exact(min)) < 0 || exact.compareTo(exact(max)) > 0) {
      throw new IllegalArgumentException("parameter '" + name + "' must be between " + min + " and " + max + ", got " + value);
    }
  }

  /** A JSON number's exact value (Jackson gives Integer, Long, BigInteger or Double), or null for anything else. */
  private static BigDecimal exact(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof BigInteger integer) {
      return new BigDecimal(integer);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? new BigDecimal(d) : null;
    }
    return value instanceof Number n ? BigDecimal.valueOf(n.longValue()) : null;
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
