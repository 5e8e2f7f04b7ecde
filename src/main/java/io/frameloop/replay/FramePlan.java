package io.frameloop.replay;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which frame a replay session sends next, when it is due, and which pipelines go before it: at a
 * fixed interval, or with a recording's own gaps ({@code --timing recorded}) scaled by
 * {@code --speed}. Once through the frames, or in a loop. Used on the session's event loop.
 */
final class FramePlan {

  private final int frameCount;
  private final long intervalNanos;
  private final RecordedTiming timing;
  private final double speed;
  private final boolean loop;
  private long dueOffsetNanos;
  private long slots;
  /** Frames sent or (with recorded timing) passed over. */
  private long consumed;
  private int frame;

  private FramePlan(int frameCount, long intervalNanos, RecordedTiming timing, double speed, boolean loop, int firstFrame) {
    this.frameCount = frameCount;
    this.intervalNanos = intervalNanos;
    this.timing = timing;
    this.speed = speed;
    this.loop = loop;
    this.frame = firstFrame;
  }

  /** Every {@code intervalNanos}, starting at {@code firstFrame}; a recording's pipelines still go before their frames. */
  static FramePlan fixed(int frameCount, long intervalNanos, RecordedTiming timing, boolean loop, int firstFrame) {
    return new FramePlan(frameCount, intervalNanos, timing, 1, loop, firstFrame);
  }

  /** With the recording's gaps divided by {@code speed}, from its first frame. */
  static FramePlan recorded(RecordedTiming timing, double speed, boolean loop) {
    return new FramePlan(timing.arrivalMicros().length, 0, timing, speed, loop, 0);
  }

  /** The interval at a fixed rate; 0 with recorded timing. */
  long intervalNanos() {
    return intervalNanos;
  }

  boolean recordedTiming() {
    return intervalNanos == 0;
  }

  /** Whether every frame has been sent once and the plan does not loop. */
  boolean finished() {
    return !loop && consumed >= frameCount;
  }

  /** When the next frame is due, from the session's start. */
  long dueOffsetNanos() {
    return dueOffsetNanos;
  }

  int frame() {
    return frame;
  }

  /** The pipelines to send before the next frame: the recording's changes at that point, and its first pipeline at each loop's start. */
  List<JsonObject> pipelinesBefore() {
    List<JsonObject> pipelines = new ArrayList<>();
    if (timing == null) {
      return pipelines;
    }
    if (frame == 0 && slots > 0 && !timing.changes().isEmpty() && timing.pipeline() != null) {
      pipelines.add(timing.pipeline()); // a new loop starts from the recording's first pipeline
    }
    timing.changes().stream().filter(c -> c.beforeFrame() == frame).forEach(c -> pipelines.add(c.pipeline()));
    return pipelines;
  }

  /**
   * Moves to the next slot. At a fixed interval the same frame waits for a slot it is sent in
   * ({@code sent}); a recording's frame has its own time and is skipped when not sent then.
   *
   * @param nextIntervalNanos the interval to the next slot at a fixed rate (an adaptive session's own), or 0 for the plan's
   */
  void advance(boolean sent, long nextIntervalNanos) {
    slots++;
    if (sent || recordedTiming()) {
      consumed++;
    }
    if (recordedTiming()) {
      frame = (int) (slots % frameCount);
      long loops = slots / frameCount;
      long[] arrivals = timing.arrivalMicros();
      long micros = loops * timing.loopMicros() + arrivals[frame] - arrivals[0];
      dueOffsetNanos = Math.round(TimeUnit.MICROSECONDS.toNanos(micros) / speed);
    } else {
      dueOffsetNanos += nextIntervalNanos > 0 ? nextIntervalNanos : intervalNanos;
      if (sent) {
        frame = (frame + 1) % frameCount;
      }
    }
  }
}
