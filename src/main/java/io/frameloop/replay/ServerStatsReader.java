package io.frameloop.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Reads the server's {@code stats} messages to one replayed session: the drops since the previous
 * message go to the run's timeline, each timed frame's latency added beyond the server's processing
 * (its round trip, kept here until the server's timing of it arrives, minus that processing) and its
 * stages to the run's meters, and the processing and queue-wait windows to this session's summaries.
 * Touched only on the session's event loop; the runner reads the last counts for its progress line (a
 * slightly stale message is fine there) and for the report after the session has closed.
 */
final class ServerStatsReader {

  /** Round trips kept at most while their timings are awaited: the server times a few frames per window. */
  private static final int MAX_AWAITED = 4096;

  private final Histogram added;
  private final StageBreakdown stages;
  private final RunTimeline timeline;
  /** Round trips (µs) of recent replies by sequence, until the server's per-frame timings arrive. */
  private final Map<Long, Long> awaitedRoundTrips = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > MAX_AWAITED;
    }
  };
  /** The server's per-window processing and queue-wait percentiles, weighted by frames (see ReplayReport). */
  private final ServerTimes processTimes = new ServerTimes();
  private final ServerTimes queueTimes = new ServerTimes();
  private final CappedNames dropReasons;
  // What the last stats message said (its types checked), read by the runner from other threads.
  private volatile long in = -1;
  private volatile long pending = 1;
  private volatile long droppedTotal;
  /** The drops so far by reason, at most {@link CappedNames#MAX_DROP_REASONS} kept apart, the rest under {@code other}. */
  private volatile Map<String, Long> dropped = Map.of();

  ServerStatsReader(RunMeters meters) {
    this.added = meters.added();
    this.stages = meters.stages();
    this.timeline = meters.timeline();
    this.dropReasons = meters.dropReasons();
  }

  /** Keeps a recorded reply's round trip until the server's timing of frame {@code sequence} arrives. */
  void roundTrip(long sequence, long micros) {
    awaitedRoundTrips.put(sequence, micros);
  }

  /** Reads one {@code stats} message, its types checked ({@link ServerMessageCheck}). */
  void read(JsonObject stats, long nowNanos) {
    Map<String, Long> now = capped(stats.getJsonObject("dropped", new JsonObject()));
    Map<String, Long> since = new TreeMap<>();
    now.forEach((reason, count) -> since.put(reason, count - dropped.getOrDefault(reason, 0L)));
    timeline.dropped(nowNanos, since);
    dropped = now;
    in = stats.getLong("in", -1L);
    pending = stats.getLong("pending", 1L);
    droppedTotal = stats.getLong("droppedTotal", 0L);
    recordAdded(stats.getJsonArray("timings"));
    processTimes.add(stats.getJsonObject("processMs"));
    queueTimes.add(stats.getJsonObject("queueMs"));
  }

  /** The server's count of frames it has seen from this session (from its last stats), or -1 before any. */
  long serverIn() {
    return in;
  }

  /** Frames the server still held for this session at its last stats (1 before any). */
  long serverPending() {
    return pending;
  }

  /** The server's count of this session's frames it dropped, all reasons (0 before any stats). */
  long droppedTotal() {
    return droppedTotal;
  }

  /** The server's drops of this session's frames so far, by reason (capped: see {@link CappedNames}). */
  Map<String, Long> dropped() {
    return dropped;
  }

  ServerTimes processTimes() {
    return processTimes;
  }

  ServerTimes queueTimes() {
    return queueTimes;
  }

  /** Round trip minus the server's processing time, and the processing by stage, for each frame the stats message times. */
  private void recordAdded(JsonArray timings) {
    if (timings == null) {
      return;
    }
    for (Object entry : timings) {
      JsonArray timing = (JsonArray) entry;
      Long roundTrip = awaitedRoundTrips.remove(timing.getLong(0));
      if (roundTrip != null) {
        added.recordValue(Math.max(0, roundTrip - timing.getLong(1)));
      }
      stages.record(timing);
    }
  }

  /** A stats message's drops by reason, the reasons past the run's cap summed under {@code other}. */
  private Map<String, Long> capped(JsonObject drops) {
    Map<String, Long> counts = new TreeMap<>();
    drops.forEach(e -> counts.merge(dropReasons.of(e.getKey()), ((Number) e.getValue()).longValue(), Long::sum));
    return counts;
  }
}
