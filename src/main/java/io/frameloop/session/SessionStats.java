package io.frameloop.session;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A session's counters (since it opened) and latency histograms (since the last {@code stats}
 * message). Touched only on the session's event loop.
 */
final class SessionStats {

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  long framesIn;
  long framesOut;
  long errors;
  long bytesIn;
  long bytesOut;
  private final Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
  private final Histogram processing = new Histogram(MAX_MICROS, 2);
  private final Histogram queueWait = new Histogram(MAX_MICROS, 2);

  SessionStats() {
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, 0L);
    }
  }

  void drop(DropReason reason) {
    dropped.merge(reason, 1L, Long::sum);
  }

  long dropped(DropReason reason) {
    return dropped.get(reason);
  }

  long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Records one answered frame: time on the worker, and the rest of its time in the server. */
  void recordTimes(long processingNanos, long queueWaitNanos) {
    processing.recordValue(Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(processingNanos)));
    queueWait.recordValue(Math.min(MAX_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(queueWaitNanos))));
  }

  /** The {@code stats} message; starts a new latency window. */
  JsonObject snapshot(int pending) {
    JsonObject drops = new JsonObject();
    dropped.forEach((reason, count) -> drops.put(reason.wireName(), count));
    JsonObject json = new JsonObject()
      .put("type", "stats")
      .put("in", framesIn)
      .put("out", framesOut)
      .put("errors", errors)
      .put("dropped", drops)
      .put("droppedTotal", droppedTotal())
      .put("pending", pending)
      .put("bytesIn", bytesIn)
      .put("bytesOut", bytesOut)
      .put("processMs", percentiles(processing))
      .put("queueMs", percentiles(queueWait));
    processing.reset();
    queueWait.reset();
    return json;
  }

  private static JsonObject percentiles(Histogram histogram) {
    return new JsonObject()
      .put("count", histogram.getTotalCount())
      .put("p50", histogram.getValueAtPercentile(50) / 1000.0)
      .put("p99", histogram.getValueAtPercentile(99) / 1000.0);
  }
}
