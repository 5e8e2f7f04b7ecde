package io.frameloop.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The latency-target controller specified in docs/ADAPTIVE.md: picks the JPEG quality, frame width
 * and frame rate that keep the round trip under a target. {@code webroot/adaptive.js} is the same
 * state machine; change both together (AdaptiveControllerTest runs the same inputs through both).
 * Both read their constants from {@code webroot/adaptive-constants.json} ({@link AdaptiveConstants}).
 *
 * <p>Time is passed in (milliseconds, any origin), so that traces replay exactly. Not thread-safe:
 * one session's event loop drives it.
 */
public final class AdaptiveController {

  /** The constants of {@code webroot/adaptive-constants.json}, which the page's controller reads too. */
  private static final AdaptiveConstants CONSTANTS = AdaptiveConstants.FROM_CLASS_PATH;

  public static final double DEFAULT_TARGET_MS = CONSTANTS.defaultTargetMs;
  public static final double QUALITY_FLOOR = CONSTANTS.qualityFloor;

  private enum Change { NONE, UP, DOWN }

  /** The ladder a step up raised, so that a failed probe lowers that one again. */
  private enum Ladder { FPS, WIDTH, QUALITY }

  private final double targetMs;
  /** Frames go up as VP8 chunks: a downlink limit steps only the frame rate (see {@link #stepDown}). */
  private final boolean video;
  private final double[] qualities;
  private final int[] widths;
  private final int[] fpsSteps;
  private int qi;
  private int wi;
  private int fi;
  private final List<Double> roundTrips = new ArrayList<>();
  private double bytesUp;
  private double bytesDown;
  private double serverMs;
  private boolean downlinkSignal;
  private long slowClientDrops;
  private int bestReplyQuality;
  private double baseMs = Double.POSITIVE_INFINITY;
  private double lastDecisionAt = -1;
  private Change lastChange = Change.NONE;
  private double lastChangeAt;
  private int upHold = CONSTANTS.upHoldMin;
  private int calmWindows;
  private int overWindows;
  private Limiter limiter = Limiter.NONE;
  private int changes;
  private int window = CONSTANTS.windowStart;
  /** The step up of the last decision, until the next decision: a probe that may be undone at once. */
  private Ladder probe;
  private Limiter limiterBeforeProbe = Limiter.NONE;
  /** Consecutive replies over the target since the probe began. */
  private int probeRepliesOver;

  /**
   * @param topQuality the best JPEG quality (0–1), the start; lowered by {@code qualityStep} down to {@code qualityFloor}
   * @param topWidth   the widest frame, the start; then the narrower of the constants' {@code widths}
   * @param maxFps     the highest frame rate, the start; then the lower of the constants' {@code fpsSteps}
   */
  public AdaptiveController(double targetMs, double topQuality, int topWidth, int maxFps) {
    this(targetMs, topQuality, topWidth, maxFps, false);
  }

  /**
   * @param video whether frames go up as VP8 chunks (the quality ladder is then the bitrate ladder,
   *              and a downlink limit steps only the frame rate)
   */
  public AdaptiveController(double targetMs, double topQuality, int topWidth, int maxFps, boolean video) {
    if (!(targetMs > 0) || !(topQuality > 0 && topQuality <= 1) || topWidth < 16 || maxFps < 1) {
      throw new IllegalArgumentException("target, quality (0-1], width and fps must be positive");
    }
    this.targetMs = targetMs;
    this.video = video;
    List<Double> q = new ArrayList<>(List.of(topQuality));
    for (int i = 1; topQuality - CONSTANTS.qualityStep * i >= CONSTANTS.qualityFloor - 1e-9; i++) {
      q.add(Math.round((topQuality - CONSTANTS.qualityStep * i) * 100) / 100.0);
    }
    qualities = q.stream().mapToDouble(Double::doubleValue).toArray();
    widths = steps(topWidth, CONSTANTS.widths);
    fpsSteps = steps(maxFps, CONSTANTS.fpsSteps);
  }

  /** {@code top}, then the candidates below it. */
  private static int[] steps(int top, int[] candidates) {
    return IntStream.concat(IntStream.of(top), Arrays.stream(candidates).filter(c -> c < top)).toArray();
  }

  /** A reply: its round trip and the bytes of the frame up and of the reply down. */
  public void onReply(double roundTripMs, double frameBytesUp, double replyBytesDown) {
    roundTrips.add(roundTripMs);
    bytesUp += frameBytesUp;
    bytesDown += replyBytesDown;
    baseMs = Math.min(baseMs, roundTripMs);
    if (probe != null) {
      probeRepliesOver = roundTripMs > targetMs ? probeRepliesOver + 1 : 0;
    }
  }

  /**
   * A {@code stats} message: the server's processing + queue p50 (ms; ignored when negative, i.e.
   * no frame in that window), its {@code slow_client} drop total and its {@code replyQuality} (0 if absent).
   */
  public void onStats(double serverTimeMs, long slowClientDropTotal, int replyQuality) {
    if (serverTimeMs >= 0) {
      serverMs = serverTimeMs;
    }
    if (slowClientDropTotal > slowClientDrops || (replyQuality > 0 && replyQuality < bestReplyQuality)) {
      downlinkSignal = true;
    }
    slowClientDrops = Math.max(slowClientDrops, slowClientDropTotal);
    bestReplyQuality = Math.max(bestReplyQuality, replyQuality);
  }

  /**
   * Called often (every frame tick); decides at most once per {@code decisionMs}. {@code
   * oldestUnansweredMs} is the age of the oldest frame still waiting for its reply (0 if none).
   * Returns whether the settings changed.
   */
  public boolean tick(double nowMs, double oldestUnansweredMs) {
    if (lastDecisionAt < 0) {
      lastDecisionAt = nowMs;
      return false;
    }
    if (probe != null && probeRepliesOver >= CONSTANTS.probeAbortReplies) {
      return undoProbe(nowMs);
    }
    if (nowMs - lastDecisionAt < CONSTANTS.decisionMs) {
      return false;
    }
    probe = null; // a whole window at the new step: the rules below judge it
    double rate = roundTrips.size() * 1000.0 / (nowMs - lastDecisionAt);
    lastDecisionAt = nowMs;
    List<Double> samples = new ArrayList<>(roundTrips);
    if (oldestUnansweredMs > targetMs) {
      samples.add(oldestUnansweredMs); // a stalled link counts, though no reply says so
    }
    if (samples.isEmpty()) {
      return false;
    }
    Collections.sort(samples);
    double p50 = percentile(samples, 0.5);
    double p95 = percentile(samples, 0.95);
    Limiter cause = limiterOf(p50);
    resetWindow();
    window = windowFor(rate, p95);
    if (lastChange == Change.UP && nowMs - lastChangeAt > CONSTANTS.probeMs) {
      upHold = Math.max(CONSTANTS.upHoldMin, upHold / 2); // the last step up held: probe sooner again
      lastChange = Change.NONE;
    }
    overWindows = p95 > CONSTANTS.p95Margin * targetMs ? overWindows + 1 : 0;
    if (p50 > targetMs || overWindows >= CONSTANTS.overWindows) {
      calmWindows = 0;
      int steps = p50 > CONSTANTS.jumpFactor * targetMs ? 2 : 1;
      boolean changed = false;
      for (int i = 0; i < steps; i++) {
        changed |= stepDown(cause, rate, p50 > CONSTANTS.queueFactor * baseMs);
      }
      if (changed) {
        limiter = cause;
        if (lastChange == Change.UP && nowMs - lastChangeAt <= CONSTANTS.probeMs) {
          upHold = Math.min(CONSTANTS.upHoldMax, upHold * 2); // the probe failed: wait longer before the next
        }
        noteChange(Change.DOWN, nowMs);
      }
      return changed;
    }
    double growth = nextUpGrowth();
    if (growth > 0 && baseMs + (p95 - baseMs) * growth <= CONSTANTS.headroom * targetMs) {
      calmWindows++;
      if (calmWindows >= upHold) {
        calmWindows = 0;
        limiterBeforeProbe = limiter;
        probe = stepUp();
        probeRepliesOver = 0;
        if (atTop()) {
          limiter = Limiter.NONE;
        }
        noteChange(Change.UP, nowMs);
        return true;
      }
    } else {
      calmWindows = 0;
    }
    return false;
  }

  /**
   * The frames to keep in flight (docs/ADAPTIVE.md, "The send window"). Over the target: as many as
   * the link delivered ({@code rate}) within the round trip the target allows, at least one fewer.
   * With headroom (or no queue on a path longer than the target): one more, up to one more than
   * the rate keeps in flight over the floor's round trip (Little's law), so that a window never
   * holds more than one frame of queue beyond what the link carries. In between: as it is.
   */
  private int windowFor(double rate, double p95) {
    double floorMs = Double.isInfinite(baseMs) ? 0 : baseMs;
    int next = window;
    if (p95 > Math.max(targetMs, CONSTANTS.queueFactor * floorMs)) {
      int carried = (int) Math.floor(rate * Math.max(floorMs, CONSTANTS.headroom * targetMs) / 1000);
      next = Math.min(window - 1, carried);
    } else if (p95 <= Math.max(CONSTANTS.headroom * targetMs, CONSTANTS.queueFactor * floorMs)) {
      next = Math.min(window + 1, (int) Math.ceil(rate * floorMs / 1000) + 1);
    }
    return Math.max(CONSTANTS.windowMin, Math.min(CONSTANTS.windowMax, next));
  }

  /**
   * A step up whose first replies each came back over the target: the link did not carry it, and
   * a whole window at it would put a second of frames over the target. Undone at once, as a failed
   * probe (the next one waits twice as long); a new window begins.
   */
  private boolean undoProbe(double nowMs) {
    switch (probe) {
      case FPS -> fi++;
      case WIDTH -> wi++;
      case QUALITY -> qi++;
    }
    probe = null;
    limiter = limiterBeforeProbe;
    upHold = Math.min(CONSTANTS.upHoldMax, upHold * 2);
    calmWindows = 0;
    lastDecisionAt = nowMs;
    resetWindow();
    noteChange(Change.DOWN, nowMs);
    return true;
  }

  private void noteChange(Change change, double nowMs) {
    lastChange = change;
    lastChangeAt = nowMs;
    changes++;
  }

  private void resetWindow() {
    roundTrips.clear();
    bytesUp = 0;
    bytesDown = 0;
    downlinkSignal = false;
  }

  /** The heuristic of docs/ADAPTIVE.md, on the window that just ended. */
  private Limiter limiterOf(double p50) {
    if (downlinkSignal) {
      return Limiter.DOWNLINK;
    }
    if (serverMs >= CONSTANTS.serverShare * p50) {
      return Limiter.SERVER;
    }
    return bytesUp >= bytesDown / CONSTANTS.downlinkSpeedup ? Limiter.UPLINK : Limiter.DOWNLINK;
  }

  /** {@code rate}: replies per second in the window that just ended; {@code queued}: whether its median is above the floor. */
  private boolean stepDown(Limiter cause, double rate, boolean queued) {
    // Quality and size barely change a server's time when its pipeline sets the output: only fewer frames help.
    // With video, bitrate and width shrink chunks of a few KB up while the downlink carries the
    // replies: a downlink limit is met by fewer frames too (the window follows by itself).
    boolean rateOnly = cause == Limiter.SERVER || (video && cause == Limiter.DOWNLINK);
    if (!rateOnly && qi < qualities.length - 1) {
      qi++;
      return true;
    }
    if (!rateOnly && wi < widths.length - 1) {
      wi++;
      return true;
    }
    if (fi >= fpsSteps.length - 1 || !queued) {
      return false; // fewer frames only shorten queues: without one, they would cost frames for nothing
    }
    fi++;
    while (fi < fpsSteps.length - 1 && fpsSteps[fi] >= rate) {
      fi++; // a cap above the rate replies came at would change nothing
    }
    return true;
  }

  private Ladder stepUp() {
    if (fi > 0) {
      fi--;
      return Ladder.FPS;
    }
    if (wi > 0) {
      wi--;
      return Ladder.WIDTH;
    }
    qi--;
    return Ladder.QUALITY;
  }

  /** The round trip's predicted growth from the next step up (bytes ∝ area), or 0 at the top. */
  private double nextUpGrowth() {
    if (fi > 0) {
      return 1;
    }
    if (wi > 0) {
      double ratio = (double) widths[wi - 1] / widths[wi];
      return ratio * ratio;
    }
    return qi > 0 ? CONSTANTS.qualityGrowth : 0;
  }

  /** Nearest rank: the smallest sample with at least {@code p} of the samples at or below it. */
  static double percentile(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  public double quality() {
    return qualities[qi];
  }

  public int width() {
    return widths[wi];
  }

  public int fps() {
    return fpsSteps[fi];
  }

  /** How many frames may be in flight now (the send window), between {@code windowMin} and {@code windowMax}. */
  public int window() {
    return window;
  }

  /**
   * The video bitrate (bits/s) for the quality step: the quality ladder is the bitrate ladder for
   * video, from {@code videoBitrateTop} down to {@code videoBitrateFloor}, so that bitrate is lowered
   * before the width, and the width only once the bitrate is at its floor.
   */
  public long bitrate() {
    if (qualities.length == 1) {
      return CONSTANTS.videoBitrateTop;
    }
    return Math.round(CONSTANTS.videoBitrateTop - (double) (CONSTANTS.videoBitrateTop - CONSTANTS.videoBitrateFloor) * qi / (qualities.length - 1));
  }

  /** Whether every setting is at its best (the start). */
  public boolean atTop() {
    return qi == 0 && wi == 0 && fi == 0;
  }

  /** What made the last step down (NONE at the top settings). */
  public Limiter limiter() {
    return limiter;
  }

  public double targetMs() {
    return targetMs;
  }

  /** Whether it adapts a VP8 stream (see the constructor). */
  public boolean video() {
    return video;
  }

  /** The qualities it can choose, best first. */
  public double[] qualitySteps() {
    return qualities.clone();
  }

  /** The widths it can choose, widest first. */
  public int[] widthSteps() {
    return widths.clone();
  }

  public int changes() {
    return changes;
  }

  /** The indexes into the quality, width and frame-rate steps (0 = best), for traces. */
  String levels() {
    return qi + "," + wi + "," + fi;
  }
}
