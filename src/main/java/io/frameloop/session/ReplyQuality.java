package io.frameloop.session;

import java.util.concurrent.TimeUnit;

/**
 * The JPEG quality a session's replies are encoded at: the pipeline's, lowered while the client
 * reads slowly, so that replies get smaller before they must be dropped as {@code slow_client}
 * (at {@code writeQueueMaxBytes} of unsent bytes; the thresholds are {@link OutboundLimits}'). Lowered by {@value #STEP_DOWN} when the unsent
 * bytes pass a quarter of that limit (twice that past half), at most every
 * {@value #DOWN_EVERY_MS} ms, down to {@value #FLOOR}: quickly, since the queue fills at the
 * frame rate. Raised by {@value #STEP_UP} at most every {@value #UP_AFTER_MS} ms while the queue
 * stays nearly empty, back up to the pipeline's: slowly, so as not to oscillate. Used on the
 * session's event loop.
 */
final class ReplyQuality {

  static final int FLOOR = 30;
  static final int STEP_DOWN = 10;
  static final int STEP_UP = 5;
  static final long DOWN_EVERY_MS = 100;
  static final long UP_AFTER_MS = 2000;

  private final long lowerAbove;
  private final long lowerFastAbove;
  private final long raiseBelow;
  private int cap = 100;
  private long lastChangeNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(UP_AFTER_MS);

  /** With the thresholds {@link OutboundLimits} derives from {@code writeQueueMaxBytes}. */
  ReplyQuality(long writeQueueMaxBytes) {
    OutboundLimits limits = new OutboundLimits(writeQueueMaxBytes);
    this.lowerAbove = limits.lowerQualityAbove();
    this.lowerFastAbove = limits.lowerQualityFastAbove();
    this.raiseBelow = limits.raiseQualityBelow();
  }

  /** The quality for the next reply, given the client's unsent bytes now. */
  int next(int pipelineQuality, long unsentBytes, long nowNanos) {
    int current = current(pipelineQuality);
    long sinceChange = TimeUnit.NANOSECONDS.toMillis(nowNanos - lastChangeNanos);
    if (unsentBytes > lowerAbove && current > FLOOR && sinceChange >= DOWN_EVERY_MS) {
      cap = Math.max(FLOOR, current - (unsentBytes > lowerFastAbove ? 2 * STEP_DOWN : STEP_DOWN));
      lastChangeNanos = nowNanos;
    } else if (unsentBytes <= raiseBelow && cap < pipelineQuality && sinceChange >= UP_AFTER_MS) {
      cap = cap + STEP_UP >= pipelineQuality ? 100 : cap + STEP_UP;
      lastChangeNanos = nowNanos;
    }
    return current(pipelineQuality);
  }

  /** The quality in force: the pipeline's, or lower. */
  int current(int pipelineQuality) {
    return Math.min(pipelineQuality, cap);
  }
}
