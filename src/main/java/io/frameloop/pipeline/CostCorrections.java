package io.frameloop.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per pipeline, the factor between its measured and its predicted frame cost, as a moving average
 * of the frames measured, for the {@link CostModel}. Bounded: the pipelines used least recently are
 * forgotten first. Thread-safe.
 */
final class CostCorrections {

  /** Pipelines remembered. */
  static final int MAX_PIPELINES = 1024;
  /** Each measurement's weight in the average: a few frames are enough to learn an op that lied. */
  static final double WEIGHT = 0.3;
  /** Bounds on the factor, so that one odd measurement (a paused process) cannot make it absurd. */
  static final double MIN_FACTOR = 0.5;
  static final double MAX_FACTOR = 1000;

  private final Map<String, Double> factors = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
      return size() > MAX_PIPELINES;
    }
  };

  synchronized double factor(String pipeline) {
    return factors.getOrDefault(pipeline, 1.0);
  }

  synchronized void update(String pipeline, double measuredOverPredicted) {
    if (!(measuredOverPredicted > 0) || Double.isInfinite(measuredOverPredicted)) {
      return;
    }
    double ratio = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, measuredOverPredicted));
    double old = factors.getOrDefault(pipeline, 1.0);
    factors.put(pipeline, old + WEIGHT * (ratio - old));
  }
}
