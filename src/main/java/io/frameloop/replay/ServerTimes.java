package io.frameloop.replay;

import io.vertx.core.json.JsonObject;

/**
 * Summarizes the server's stats windows: the frame-weighted mean of the windows' p50 (close to
 * the overall median when windows are alike) and the largest window p99 (an upper bound).
 */
final class ServerTimes {
  long frames;
  double weightedP50;
  double maxP99;

  void add(JsonObject window) {
    if (window == null || window.getLong("count", 0L) == 0) {
      return;
    }
    long count = window.getLong("count");
    frames += count;
    weightedP50 += count * window.getDouble("p50");
    maxP99 = Math.max(maxP99, window.getDouble("p99"));
  }

  void addAll(ServerTimes other) {
    frames += other.frames;
    weightedP50 += other.weightedP50;
    maxP99 = Math.max(maxP99, other.maxP99);
  }

  JsonObject toJson() {
    return new JsonObject().put("p50", frames == 0 ? 0 : Math.round(weightedP50 / frames * 1000) / 1000.0)
      .put("p99Max", maxP99);
  }
}
