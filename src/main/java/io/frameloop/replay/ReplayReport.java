package io.frameloop.replay;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The outcome of a replay run, as a table for people and as JSON for scripts. */
public record ReplayReport(String url, String source, int sessions, int fps, int window, double seconds,
                           long sent, long received, long errors, long timedOut, JsonObject serverDropped,
                           long serverIn, double throughputFps, JsonObject latencyMs, long minReceived,
                           long maxReceived, double jainIndex, long bytesUp, long bytesDown,
                           JsonObject serverProcessMs, JsonObject serverQueueMs, JsonObject addedMs, JsonObject stagesMs,
                           long results, long detections, JsonObject recordedResults) {

  static ReplayReport of(String url, FrameSource source, int fps, int window, double seconds,
                         List<ReplaySession> sessions, Histogram latency, Histogram added, JsonObject stagesMs) {
    long sent = 0;
    long received = 0;
    long errors = 0;
    long timedOut = 0;
    long serverIn = 0;
    long bytesUp = 0;
    long bytesDown = 0;
    long results = 0;
    long detections = 0;
    long compared = 0;
    long same = 0;
    long recordedDetections = 0;
    long detectionsNow = 0;
    JsonObject dropped = new JsonObject();
    ServerTimes process = new ServerTimes();
    ServerTimes queue = new ServerTimes();
    long min = Long.MAX_VALUE;
    long max = 0;
    double sum = 0;
    double sumSquares = 0;
    for (ReplaySession session : sessions) {
      sent += session.sent;
      received += session.received;
      errors += session.errors;
      timedOut += session.timedOut;
      bytesUp += session.bytesUp;
      bytesDown += session.bytesDown;
      results += session.results;
      detections += session.detections;
      compared += session.comparedFrames;
      same += session.sameAsRecorded;
      recordedDetections += session.recordedDetectionsCompared;
      detectionsNow += session.detectionsCompared;
      serverIn += Math.max(0, session.serverStats.serverIn());
      session.serverStats.dropped().forEach((reason, count) -> dropped.put(reason, dropped.getLong(reason, 0L) + count));
      process.addAll(session.serverStats.processTimes());
      queue.addAll(session.serverStats.queueTimes());
      min = Math.min(min, session.received);
      max = Math.max(max, session.received);
      sum += session.received;
      sumSquares += (double) session.received * session.received;
    }
    // Jain's fairness index of frames received per session: 1 when all got the same.
    double jain = sumSquares == 0 ? 1 : sum * sum / (sessions.size() * sumSquares);
    JsonObject latencyMs = percentiles(latency);
    // What the recording kept, and how the frames replayed compare with it frame by frame.
    JsonObject recordedResults = source.results() == null || !source.results().any() ? null : source.results().toJson()
      .put("compared", new JsonObject().put("frames", compared).put("sameCount", same)
        .put("recordedDetections", recordedDetections).put("detections", detectionsNow));
    return new ReplayReport(url, source.description(), sessions.size(), fps, window, seconds, sent, received, errors,
      timedOut, dropped, serverIn, received / seconds, latencyMs, sessions.isEmpty() ? 0 : min, max, jain, bytesUp,
      bytesDown, process.toJson(), queue.toJson(), percentiles(added), stagesMs, results, detections, recordedResults);
  }

  private static JsonObject percentiles(Histogram histogram) {
    return new JsonObject()
      .put("count", histogram.getTotalCount())
      .put("p50", ms(histogram.getValueAtPercentile(50)))
      .put("p90", ms(histogram.getValueAtPercentile(90)))
      .put("p95", ms(histogram.getValueAtPercentile(95)))
      .put("p99", ms(histogram.getValueAtPercentile(99)))
      .put("max", ms(histogram.getMaxValue()))
      .put("mean", Math.round(histogram.getMean()) / 1000.0);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  public long droppedTotal() {
    return serverDropped.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("url", url).put("source", source).put("sessions", sessions).put("fps", fps).put("window", window)
      .put("seconds", seconds)
      .put("sent", sent).put("received", received).put("errors", errors).put("unanswered", timedOut)
      .put("serverIn", serverIn).put("serverDropped", serverDropped.copy()).put("droppedTotal", droppedTotal())
      .put("throughputFps", round(throughputFps))
      .put("latencyMs", latencyMs.copy())
      .put("serverProcessMs", serverProcessMs.copy())
      .put("serverQueueMs", serverQueueMs.copy())
      .put("addedMs", addedMs.copy())
      .put("stagesMs", stagesMs.copy())
      .put("fairness", new JsonObject().put("minReceived", minReceived).put("maxReceived", maxReceived)
        .put("jainIndex", round(jainIndex)))
      .put("bytesUp", bytesUp).put("bytesDown", bytesDown)
      .put("bytesPerFrameUp", sent == 0 ? 0 : bytesUp / sent)
      .put("bytesPerFrameDown", received == 0 ? 0 : bytesDown / received)
      .put("results", new JsonObject().put("messages", results).put("detections", detections)
        .put("perSecond", round(results / seconds)).put("detectionsPerSecond", round(detections / seconds))
        .put("recorded", recordedResults == null ? null : recordedResults.copy()));
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  /** The summary table. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    row(sb, "server", url);
    row(sb, "source", source);
    row(sb, "sessions x fps", sessions + " x " + fps + (window == 0 ? " (open loop)" : " (window " + window + ")"));
    row(sb, "duration", String.format(Locale.ROOT, "%.1f s", seconds));
    row(sb, "frames sent", Long.toString(sent));
    row(sb, "frames received", Long.toString(received));
    row(sb, "dropped by server", droppedTotal() + " " + serverDropped.encode());
    row(sb, "errors", Long.toString(errors));
    row(sb, "throughput", String.format(Locale.ROOT, "%.1f frames/s received", throughputFps));
    row(sb, "round trip (ms)", String.format(Locale.ROOT, "p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%s",
      latencyMs.getDouble("p50"), latencyMs.getDouble("p90"), latencyMs.getDouble("p99"), latencyMs.getDouble("max"),
      window == 0 ? "  (from when each frame was due)" : ""));
    row(sb, "added (ms)", String.format(Locale.ROOT, "round trip minus processing, per frame: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f",
      addedMs.getDouble("p50"), addedMs.getDouble("p90"), addedMs.getDouble("p99"), addedMs.getDouble("max")));
    row(sb, "server time (ms)", String.format(Locale.ROOT, "processing p50 %.2f (p99 <= %.2f), queue wait p50 %.2f (p99 <= %.2f)",
      serverProcessMs.getDouble("p50"), serverProcessMs.getDouble("p99Max"), serverQueueMs.getDouble("p50"),
      serverQueueMs.getDouble("p99Max")));
    row(sb, "server stages", StageBreakdown.describe(stagesMs));
    row(sb, "fairness", String.format(Locale.ROOT, "received per session min %d max %d, Jain's index %.3f",
      minReceived, maxReceived, jainIndex));
    row(sb, "results", String.format(Locale.ROOT, "%d messages (%.1f/s), %d detections (%.1f/s)", results,
      results / seconds, detections, detections / seconds));
    if (recordedResults != null) {
      JsonObject compared = recordedResults.getJsonObject("compared");
      row(sb, "recorded results", String.format(Locale.ROOT,
        "%d messages with %d detections; frames compared %d: %d found as many detections as recorded (%d recorded, %d now)",
        recordedResults.getLong("messages"), recordedResults.getLong("detections"), compared.getLong("frames"),
        compared.getLong("sameCount"), compared.getLong("recordedDetections"), compared.getLong("detections")));
    }
    row(sb, "bytes up / down", String.format(Locale.ROOT, "%d / %d (%d / %d per frame)", bytesUp, bytesDown,
      sent == 0 ? 0 : bytesUp / sent, received == 0 ? 0 : bytesDown / received));
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, String value) {
    sb.append(String.format(Locale.ROOT, "%-18s %s%n", name, value));
  }
}
