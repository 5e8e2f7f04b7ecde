package io.frameloop.session;

import io.frameloop.pipeline.CostModel;
import io.frameloop.pipeline.ImageSize;
import io.frameloop.pipeline.PipelineSpec;
import java.util.Arrays;

/**
 * One session's frames against the frame budget ({@code maxFrameCostMs}): what each is predicted to
 * cost, whether it counts as expensive for the scheduler, and when measured frames keep exceeding
 * the budget ({@value #MAX_OVERRUNS} of the last {@value #WINDOW}): the session then has its pipeline
 * reset. Every measured frame also teaches the shared {@link CostModel}. On the session's event loop.
 */
final class FrameCosts {

  /** Frames looked back at. */
  static final int WINDOW = 10;
  /** Frames of the window over the budget that reset the pipeline. */
  static final int MAX_OVERRUNS = 3;
  /** A frame predicted over this share of the budget is expensive for the scheduler. */
  static final double EXPENSIVE_SHARE = 0.2;
  /**
   * So is every frame of a session whose frames lately measured over this share: an op that costs
   * more than it says. Larger than the predicted share, so that a loaded machine's slower cheap frames
   * stay cheap.
   */
  static final double EXPENSIVE_MEASURED_SHARE = 0.5;

  private final CostModel model;
  private final int maxFrameCostMs;
  private final boolean[] over = new boolean[WINDOW];
  private int next;
  private int overruns;
  /** This session's frames as measured lately, a moving average (0: none yet). */
  private double measuredMs;
  /** Counts the resets: a frame sent before the last one does not count against the pipeline since. */
  private int epoch;

  FrameCosts(CostModel model, int maxFrameCostMs) {
    this.model = model;
    this.maxFrameCostMs = maxFrameCostMs;
  }

  int maxFrameCostMs() {
    return maxFrameCostMs;
  }

  /**
   * A frame's cost by the figures alone: what a frame of a new size is checked with. The correction
   * learned from measured times applies when a pipeline is set; applied to each frame it would turn a
   * loaded machine's slower frames into refusals of frames already admitted.
   */
  double modelMs(PipelineSpec pipeline, ImageSize frame) {
    return model.modelMs(pipeline, frame);
  }

  /**
   * Whether a frame predicted at {@code modelMs} is expensive: the prediction over a fifth of the
   * budget, or this session's frames lately measured over half of it.
   */
  boolean expensive(double modelMs) {
    return modelMs > maxFrameCostMs * EXPENSIVE_SHARE || measuredMs > maxFrameCostMs * EXPENSIVE_MEASURED_SHARE;
  }

  /** What {@link #measured} is to be given with a frame sent now. */
  int epoch() {
    return epoch;
  }

  /**
   * A frame came back having taken {@code nanos} on its worker (its ops' making left out).
   *
   * @param sentEpoch {@link #epoch} when the frame was sent
   * @return whether the session's frames now exceeded the budget too often: the caller resets the pipeline
   */
  boolean measured(PipelineSpec pipeline, ImageSize frame, long nanos, int sentEpoch) {
    model.learn(pipeline, frame, nanos);
    double ms = nanos / 1e6;
    measuredMs = measuredMs == 0 ? ms : measuredMs + 0.3 * (ms - measuredMs);
    if (sentEpoch != epoch) {
      return false; // processed with the pipeline already reset
    }
    boolean overBudget = ms > maxFrameCostMs;
    overruns += (overBudget ? 1 : 0) - (over[next] ? 1 : 0);
    over[next] = overBudget;
    next = (next + 1) % WINDOW;
    if (overruns < MAX_OVERRUNS) {
      return false;
    }
    Arrays.fill(over, false);
    overruns = 0;
    measuredMs = 0;
    epoch++;
    return true;
  }
}
