package io.frameloop.session;

import java.util.concurrent.TimeUnit;

/**
 * The bitrate a session's VP8 replies are encoded at: {@value #START} bits per second, lowered while
 * the client reads slowly, so that replies get smaller before processed frames must be dropped
 * as {@code slow_client} (the VP8 counterpart of {@link ReplyQuality}, with the same thresholds of
 * {@link OutboundLimits}). Lowered to {@value #STEP_DOWN_PERCENT}% when the unsent bytes pass a
 * quarter of the limit (to half that past half), at most every {@value #DOWN_EVERY_MS} ms, down
 * to {@value #FLOOR}; raised by {@value #STEP_UP_PERCENT}% at most every {@value #UP_AFTER_MS} ms
 * while the queue stays nearly empty. FFmpeg's libvpx encoder takes its bitrate only when it
 * opens, so each change costs a new encoder and a key chunk: the steps are few and far apart.
 * Used on the session's event loop.
 */
final class ReplyBitrate {

  static final int START = 1_000_000;
  static final int FLOOR = 100_000;
  static final int STEP_DOWN_PERCENT = 70;
  static final int STEP_UP_PERCENT = 25;
  static final long DOWN_EVERY_MS = 300;
  static final long UP_AFTER_MS = 2000;

  private final long lowerAbove;
  private final long lowerFastAbove;
  private final long raiseBelow;
  private int bitrate = START;
  private long lastChangeNanos = System.nanoTime();

  ReplyBitrate(long writeQueueMaxBytes) {
    OutboundLimits limits = new OutboundLimits(writeQueueMaxBytes);
    this.lowerAbove = limits.lowerQualityAbove();
    this.lowerFastAbove = limits.lowerQualityFastAbove();
    this.raiseBelow = limits.raiseQualityBelow();
  }

  /** The bitrate for the next reply, given the client's unsent bytes now. */
  int next(long unsentBytes, long nowNanos) {
    long sinceChange = TimeUnit.NANOSECONDS.toMillis(nowNanos - lastChangeNanos);
    if (unsentBytes > lowerAbove && bitrate > FLOOR && sinceChange >= DOWN_EVERY_MS) {
      int percent = unsentBytes > lowerFastAbove ? STEP_DOWN_PERCENT / 2 : STEP_DOWN_PERCENT;
      bitrate = Math.max(FLOOR, (int) ((long) bitrate * percent / 100));
      lastChangeNanos = nowNanos;
    } else if (unsentBytes <= raiseBelow && bitrate < START && sinceChange >= UP_AFTER_MS) {
      bitrate = Math.min(START, bitrate + bitrate * STEP_UP_PERCENT / 100);
      lastChangeNanos = nowNanos;
    }
    return bitrate;
  }

  /** The bitrate in force. */
  int current() {
    return bitrate;
  }
}
