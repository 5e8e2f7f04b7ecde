package io.frameloop.pipeline;

/** A pipeline whose predicted cost per frame is over {@code maxFrameCostMs}: {@code bad_pipeline} with both figures. */
public final class CostBudgetException extends PipelineException {

  private final long predictedCostMs;
  private final int maxFrameCostMs;

  public CostBudgetException(double predictedCostMs, int maxFrameCostMs, ImageSize frame) {
    super("the pipeline is predicted to take " + Math.round(Math.ceil(predictedCostMs)) + " ms per " + frame.width() + "x"
      + frame.height() + " frame, over the budget of " + maxFrameCostMs + " ms (maxFrameCostMs): use fewer or cheaper ops"
      + " or smaller frames");
    this.predictedCostMs = Math.round(Math.ceil(predictedCostMs));
    this.maxFrameCostMs = maxFrameCostMs;
  }

  /** The prediction, rounded up to a whole millisecond. */
  public long predictedCostMs() {
    return predictedCostMs;
  }

  public int maxFrameCostMs() {
    return maxFrameCostMs;
  }
}
