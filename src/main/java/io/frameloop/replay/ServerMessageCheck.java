package io.frameloop.replay;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Checks the type of every field the replay client reads from a server's message before it reads
 * any (docs/PROTOCOL.md), so a wrong or hostile server ends the run with an error naming the field,
 * e.g. {@code stats.in: expected a number, got "x"}, instead of a ClassCastException on an event
 * loop. Absent fields are fine (the readers have defaults); fields the client does not read are not checked.
 */
final class ServerMessageCheck {

  /** The longest time a stats window may report, ms (a day). */
  private static final double MAX_MS = 86_400_000;
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  private ServerMessageCheck() {
  }

  /** Throws {@link BadServerMessageException} at the first field of {@code message} with a wrong type. */
  static void check(JsonObject message) {
    Object type = message.getValue("type");
    if (!(type instanceof String name)) {
      throw bad("message.type", "a string", type);
    }
    switch (name) {
      case "hello" -> {
        array(message, "hello", "pipeline");
        count(message, "hello", "quality");
      }
      case "stats" -> stats(message);
      case "pipeline" -> string(message, "pipeline", "reply");
      case "results" -> {
        count(message, "results", "seq");
        array(message, "results", "detections");
      }
      case "video" -> {
        string(message, "video", "direction");
        count(message, "video", "width");
        count(message, "video", "height");
        JsonObject colors = object(message, "video", "colorSpace");
        if (colors != null) {
          for (String field : new String[] {"primaries", "transfer", "matrix"}) {
            string(colors, "video.colorSpace", field);
          }
          bool(colors, "video.colorSpace", "fullRange");
        }
      }
      case "record" -> {
        bool(message, "record", "enabled");
        string(message, "record", "id");
      }
      case "error" -> {
        string(message, "error", "code");
        string(message, "error", "message");
        count(message, "error", "seq");
      }
      default -> {
        // keyframe, goaway and newer types: nothing read beyond the type
      }
    }
  }

  private static void stats(JsonObject stats) {
    for (String field : new String[] {"in", "pending", "droppedTotal", "replyQuality"}) {
      count(stats, "stats", field);
    }
    JsonObject dropped = object(stats, "stats", "dropped");
    if (dropped != null) {
      for (String reason : dropped.fieldNames()) {
        count(dropped, "stats.dropped", reason);
      }
    }
    for (String window : new String[] {"processMs", "queueMs"}) {
      JsonObject times = object(stats, "stats", window);
      if (times != null) {
        count(times, "stats." + window, "count");
        milliseconds(times, "stats." + window, "p50");
        milliseconds(times, "stats." + window, "p99");
      }
    }
    JsonArray timings = array(stats, "stats", "timings");
    if (timings != null) {
      for (int i = 0; i < timings.size(); i++) {
        timing(timings.getValue(i), "stats.timings[" + i + "]");
      }
    }
  }

  /** {@code [seq, processing, queue, decode, encode, [[op, µs]...], setup]}, at least the first two. */
  private static void timing(Object entry, String path) {
    if (!(entry instanceof JsonArray timing) || timing.size() < 2) {
      throw bad(path, "an array [seq, processing µs, ...]", entry);
    }
    for (int i = 0; i < timing.size(); i++) {
      if (i == 5) {
        if (!(timing.getValue(5) instanceof JsonArray ops)) {
          throw bad(path + "[5]", "an array of [op, µs]", timing.getValue(5));
        }
        for (int j = 0; j < ops.size(); j++) {
          String opPath = path + "[5][" + j + "]";
          if (!(ops.getValue(j) instanceof JsonArray op) || op.size() < 2) {
            throw bad(opPath, "an array [op, µs]", ops.getValue(j));
          }
          if (!(op.getValue(0) instanceof String)) {
            throw bad(opPath + "[0]", "a string", op.getValue(0));
          }
          countValue(opPath + "[1]", op.getValue(1));
        }
      } else {
        countValue(path + "[" + i + "]", timing.getValue(i));
      }
    }
  }

  private static void count(JsonObject json, String path, String field) {
    if (json.containsKey(field)) {
      countValue(path(path, field), json.getValue(field));
    }
  }

  private static void countValue(String path, Object value) {
    if (!(value instanceof Number number)) {
      throw bad(path, "a number", value);
    }
    double d = number.doubleValue();
    if (!(d >= 0) || d != Math.rint(d) || d > Long.MAX_VALUE) {
      throw bad(path, "a whole number at least 0", value);
    }
  }

  /** A time the summaries add up (weighted by frames): finite and at most {@link #MAX_MS}, so no sum becomes Infinity, which JSON cannot hold. */
  private static void milliseconds(JsonObject json, String path, String field) {
    Object value = json.getValue(field);
    if (!json.containsKey(field)) {
      return;
    }
    if (!(value instanceof Number number)) {
      throw bad(path(path, field), "a number", value);
    }
    if (!(number.doubleValue() >= 0 && number.doubleValue() <= MAX_MS)) {
      throw bad(path(path, field), "milliseconds from 0 to " + (long) MAX_MS, value);
    }
  }

  private static void string(JsonObject json, String path, String field) {
    if (json.containsKey(field) && !(json.getValue(field) instanceof String)) {
      throw bad(path(path, field), "a string", json.getValue(field));
    }
  }

  private static void bool(JsonObject json, String path, String field) {
    if (json.containsKey(field) && !(json.getValue(field) instanceof Boolean)) {
      throw bad(path(path, field), "true or false", json.getValue(field));
    }
  }

  private static JsonObject object(JsonObject json, String path, String field) {
    Object value = json.getValue(field);
    if (json.containsKey(field) && !(value instanceof JsonObject)) {
      throw bad(path(path, field), "an object", value);
    }
    return (JsonObject) value;
  }

  private static JsonArray array(JsonObject json, String path, String field) {
    Object value = json.getValue(field);
    if (json.containsKey(field) && !(value instanceof JsonArray)) {
      throw bad(path(path, field), "an array", value);
    }
    return (JsonArray) value;
  }

  /** {@code stats.in}, or {@code stats.dropped["a name, quoted"]} for a name that is not plain. */
  private static String path(String path, String field) {
    return PLAIN_NAME.matcher(field).matches() ? path + "." + field
      : path + "[" + Json.encode(SafeText.truncate(field, 40)) + "]";
  }

  private static BadServerMessageException bad(String path, String expected, Object got) {
    return new BadServerMessageException(path + ": expected " + expected + ", got " + describe(got));
  }

  private static String describe(Object value) {
    if (value instanceof String s) {
      return Json.encode(SafeText.truncate(s, 40));
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return String.valueOf(value);
  }
}
