package io.frameloop.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A run second by second (longer runs: in wider steps, at most {@link #MAX_STEPS}): frames sent
 * and received, results messages and their detections, round-trip percentiles, the server's drops
 * by reason. Every session of the run
 * adds to it from its own event loop, hence the locking.
 */
public final class RunTimeline {

  static final int MAX_STEPS = 1800;
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

  private volatile long startNanos = System.nanoTime();
  private final long stepNanos;
  private final List<Step> steps = new ArrayList<>();

  private static final class Step {
    long sent;
    long received;
    long results;
    long detections;
    Histogram roundTrips; // made with the step's first reply
    final Map<String, Long> dropped = new TreeMap<>();
  }

  /** A timeline for a run of about {@code runNanos}. */
  RunTimeline(long runNanos) {
    this.stepNanos = Math.max(TimeUnit.SECONDS.toNanos(1), (runNanos + MAX_STEPS - 1) / MAX_STEPS);
  }

  /** The run starts at {@code nanos} ({@link System#nanoTime}). */
  void start(long nanos) {
    startNanos = nanos;
  }

  private Step step(long nanos) {
    int index = (int) Math.min(MAX_STEPS - 1, Math.max(0, (nanos - startNanos) / stepNanos));
    while (steps.size() <= index) {
      steps.add(new Step());
    }
    return steps.get(index);
  }

  synchronized void sent(long nanos) {
    step(nanos).sent++;
  }

  synchronized void received(long nanos, long roundTripMicros) {
    Step step = step(nanos);
    step.received++;
    if (step.roundTrips == null) {
      step.roundTrips = new Histogram(MAX_MICROS, 2);
    }
    step.roundTrips.recordValue(Math.min(MAX_MICROS, roundTripMicros));
  }

  /** A results message with {@code detections} detections arrived. */
  synchronized void results(long nanos, int detections) {
    Step step = step(nanos);
    step.results++;
    step.detections += detections;
  }

  /** Drops the server reported since the session's previous stats ({@code reason -> count}). */
  synchronized void dropped(long nanos, Map<String, Long> dropped) {
    Step step = step(nanos);
    dropped.forEach((reason, count) -> {
      if (count > 0) {
        step.dropped.merge(reason, count, Long::sum);
      }
    });
  }

  /**
   * {@code {"stepSeconds":1, "steps":[{"t":0,"sentFps":..,"receivedFps":..,"resultsPerSecond":..,
   * "detectionsPerSecond":..,"p50Ms":..,"p99Ms":..,"dropped":{..}}, ...]}}: rates per second,
   * percentiles null for a step without replies.
   */
  public synchronized JsonObject toJson() {
    double stepSeconds = stepNanos / 1e9;
    JsonArray json = new JsonArray();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      JsonObject entry = new JsonObject().put("t", round(i * stepSeconds))
        .put("sentFps", round(step.sent / stepSeconds)).put("receivedFps", round(step.received / stepSeconds))
        .put("resultsPerSecond", round(step.results / stepSeconds))
        .put("detectionsPerSecond", round(step.detections / stepSeconds))
        .put("p50Ms", step.roundTrips == null ? null : step.roundTrips.getValueAtPercentile(50) / 1000.0)
        .put("p99Ms", step.roundTrips == null ? null : step.roundTrips.getValueAtPercentile(99) / 1000.0)
        .put("dropped", new JsonObject(new TreeMap<String, Object>(step.dropped)));
      json.add(entry);
    }
    return new JsonObject().put("stepSeconds", round(stepSeconds)).put("steps", json);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
