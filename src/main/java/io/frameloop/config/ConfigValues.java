package io.frameloop.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Makes configuration values fit the options: values from files, {@code -D} properties and
 * environment variables arrive as JSON numbers, booleans or strings, and a generated converter
 * would silently skip one of the wrong type. Here a list may be given as a string (a JSON list or
 * comma-separated), an object as a JSON string, a name as a number; anything else of the wrong
 * type, out of range or refused by a setter is an error that names the key. Values are never
 * echoed: a key may hold a secret. Every options owner's JSON constructor reads its JSON here
 * ({@link #read}), so that {@code new SessionOptions(json)} is as strict as the configuration file.
 */
public final class ConfigValues {

  private ConfigValues() {
  }

  /**
   * Reads {@code json} into {@code options} with their generated converter: each value first
   * converted to the type of the same key in {@code types} (the owner's defaults as JSON), then
   * applied one key at a time. A key no setter of {@code options} reads is warned about
   * ({@link UnknownKeys}).
   *
   * @return the converted values
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public static <T> JsonObject read(JsonObject json, JsonObject types, BiConsumer<Iterable<Map.Entry<String, Object>>, T> converter,
                                    T options) {
    // A key the options do not read would be skipped without a word: it is named in a warning.
    UnknownKeys.warnUnknown(json, UnknownKeys.setterKeys(options.getClass()));
    JsonObject config = coerce(json, types);
    apply(config, converter, options);
    return config;
  }

  /** {@code given} with every value of a key in {@code types} converted to that key's type. */
  public static JsonObject coerce(JsonObject given, JsonObject types) {
    JsonObject config = given.copy();
    for (Map.Entry<String, Object> entry : given) {
      Object type = types.getValue(entry.getKey());
      if (type != null && entry.getValue() != null) {
        config.put(entry.getKey(), coerce(entry.getKey(), entry.getValue(), type));
      }
    }
    return config;
  }

  private static Object coerce(String key, Object value, Object type) {
    try {
      return coerceText(key, value, type);
    } catch (DecodeException | NumberFormatException e) {
      throw invalid(key, "must be " + kind(type) + ", got text that is not one");
    }
  }

  private static Object coerceText(String key, Object value, Object type) {
    if (type instanceof JsonArray && value instanceof String text) {
      return text.trim().startsWith("[") ? new JsonArray(text) : new JsonArray(List.of((Object[]) text.trim().split("\\s*,\\s*")));
    }
    if (type instanceof JsonObject && value instanceof String text) {
      return new JsonObject(text);
    }
    // Environment variables and system properties arrive as text (read raw, so that a secret
    // such as "0123" stays as it was typed).
    if (type instanceof Number && value instanceof String text) {
      value = new BigDecimal(text.trim());
    }
    if (type instanceof Boolean && value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(text);
    }
    if (type instanceof String && (value instanceof Number || value instanceof Boolean)) {
      return String.valueOf(value);
    }
    if (type instanceof Integer && value instanceof Number number) {
      return wholeNumber(key, number, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
    }
    if (type instanceof Long && value instanceof Number number) {
      return wholeNumber(key, number, Long.MIN_VALUE, Long.MAX_VALUE).longValue();
    }
    if (!kind(type).equals(kind(value))) {
      throw invalid(key, "must be " + kind(type) + ", got " + kind(value));
    }
    return value;
  }

  private static BigDecimal wholeNumber(String key, Number number, long min, long max) {
    BigDecimal exact = new BigDecimal(number.toString());
    if (exact.stripTrailingZeros().scale() > 0 || exact.compareTo(BigDecimal.valueOf(min)) < 0
      || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw invalid(key, "must be a whole number between " + min + " and " + max);
    }
    return exact;
  }

  private static String kind(Object value) {
    if (value instanceof Number) {
      return "a number";
    } else if (value instanceof Boolean) {
      return "true or false";
    } else if (value instanceof JsonArray) {
      return "a list";
    } else if (value instanceof JsonObject) {
      return "an object";
    }
    return "a string";
  }

  /**
   * Applies a generated converter one key at a time, so that a setter's refusal names its key. A
   * nested owner's own refusal already names its key, and passes through as it is.
   */
  private static <T> void apply(JsonObject config, BiConsumer<Iterable<Map.Entry<String, Object>>, T> converter, T options) {
    for (Map.Entry<String, Object> entry : config) {
      try {
        converter.accept(List.of(entry), options);
      } catch (InvalidConfigurationException e) {
        throw e;
      } catch (RuntimeException e) {
        throw invalid(entry.getKey(), choices(e.getMessage()));
      }
    }
  }

  /** Enum.valueOf's "No enum constant a.b.Role.boss" as "must be one of both, front, worker". */
  private static String choices(String message) {
    String prefix = "No enum constant ";
    if (message != null && message.startsWith(prefix)) {
      try {
        Class<?> type = Class.forName(message.substring(prefix.length(), message.lastIndexOf('.')));
        return "must be one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
          .collect(Collectors.joining(", ")) + ", got " + message.substring(message.lastIndexOf('.') + 1);
      } catch (ClassNotFoundException | RuntimeException e) {
        return message;
      }
    }
    return message;
  }

  /** "invalid configuration 'key': problem". */
  public static IllegalArgumentException invalid(String key, String problem) {
    return new InvalidConfigurationException("invalid configuration '" + key + "': " + problem);
  }

  /** A refusal that already names its key. */
  private static final class InvalidConfigurationException extends IllegalArgumentException {
    InvalidConfigurationException(String message) {
      super(message);
    }
  }
}
