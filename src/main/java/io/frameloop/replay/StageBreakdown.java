package io.frameloop.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Where the frames' time on the server went, by stage, from the per-frame timings in the
 * server's {@code stats}: queue, decode, setup, each op by name, encode. Shared by the sessions of
 * a run (they record on several event loops).
 */
final class StageBreakdown {

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);
  /** Stages by name, in the order first seen (queue, decode, setup, the ops, encode). */
  private final Map<String, Histogram> stages = new LinkedHashMap<>();
  /** Op names as the server sent them: at most {@link CappedNames#MAX_OP_NAMES} kept apart. */
  private final CappedNames opNames = new CappedNames(CappedNames.MAX_OP_NAMES, "(other ops)");

  /** One {@code stats.timings} entry (its types checked): {@code [seq, processing, queue, decode, encode, [[op, µs]...], setup]}. */
  void record(JsonArray timing) {
    if (timing.size() < 6) {
      return; // a server from before per-stage timings
    }
    record("queue", timing.getLong(2));
    record("decode", timing.getLong(3));
    if (timing.size() > 6 && timing.getLong(6) > 0) {
      record("setup", timing.getLong(6));
    }
    for (Object op : timing.getJsonArray(5)) {
      JsonArray opTime = (JsonArray) op;
      record("op " + opNames.of(opTime.getString(0)), opTime.getLong(1));
    }
    record("encode", timing.getLong(4));
  }

  private synchronized void record(String stage, long micros) {
    stages.computeIfAbsent(stage, s -> new SynchronizedHistogram(MAX_MICROS, 2)).recordValue(Math.min(MAX_MICROS, micros));
  }

  /** {@code {"queue":{"count":..,"p50":..,"p99":..,"mean":..}, ...}} in milliseconds. */
  synchronized JsonObject toJson() {
    JsonObject json = new JsonObject();
    stages.forEach((stage, h) -> json.put(stage, new JsonObject().put("count", h.getTotalCount())
      .put("p50", h.getValueAtPercentile(50) / 1000.0).put("p99", h.getValueAtPercentile(99) / 1000.0)
      .put("mean", Math.round(h.getMean()) / 1000.0)));
    return json;
  }

  /** One line: each stage's mean and p99. */
  static String describe(JsonObject stagesMs) {
    if (stagesMs.isEmpty()) {
      return "none reported (a server without per-stage timings)";
    }
    return stagesMs.stream().map(e -> {
      JsonObject s = (JsonObject) e.getValue();
      return String.format(Locale.ROOT, "%s %.2f (p99 %.2f)", e.getKey(), s.getDouble("mean"), s.getDouble("p99"));
    }).collect(Collectors.joining(" · ")) + "  [mean (p99) ms]";
  }
}
