package io.frameloop.session;

import io.frameloop.pipeline.StageTimes;
import io.frameloop.protocol.StatsReport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A session's counters (since it opened) and latency histograms (since the last {@code stats}
 * message), passed on to the server's {@link SessionListener}. Touched only on the session's
 * event loop.
 */
final class SessionStats {

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
  /** Per-frame timings kept for one stats message at most (the rest are left out). */
  static final int MAX_TIMINGS = 1000;
  /** While nothing changes, a {@code stats} message every this many intervals. */
  static final int QUIET_REPORT_EVERY = 10;

  private final SessionListener listener;
  private long framesIn;
  private long framesOut;
  private long frameErrors;
  private long bytesIn;
  private long bytesOut;
  private final Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
  private final Map<String, Long> processedBy = new TreeMap<>();
  /**
   * This window's processing and queue times; null while the session sends nothing (about 25 KB
   * each: an idle session should not hold them).
   */
  private Histogram processing;
  private Histogram queueWait;
  /** Per-frame timings for the next stats message, when the client asked for them; else null. */
  private List<StatsReport.FrameTiming> timings;
  /** The format and size of the last frame decoded and of the last one sent; null before the first. */
  private StatsReport.Picture input;
  private StatsReport.Picture output;
  // What the last report said, so that a session where nothing happens is not sent the same report every interval.
  private long reportedEvents = -1;
  private int reportedPending;
  private int reportedQuality;
  private int quietIntervals;

  SessionStats(SessionListener listener) {
    this.listener = listener;
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, 0L);
    }
  }

  void frameIn(int bytes) {
    framesIn++;
    bytesIn += bytes;
    listener.frameIn(bytes);
  }

  void frameOut(int bytes) {
    framesOut++;
    bytesOut += bytes;
    listener.frameOut(bytes);
  }

  /** The last frame decoded: {@code jpeg} or a video codec, and its size. */
  void input(String format, int width, int height) {
    if (input == null || input.width() != width || input.height() != height || !input.format().equals(format)) {
      input = new StatsReport.Picture(format, width, height);
    }
  }

  /** The last frame sent. */
  void output(String format, int width, int height) {
    if (output == null || output.width() != width || output.height() != height || !output.format().equals(format)) {
      output = new StatsReport.Picture(format, width, height);
    }
  }

  /** A frame answered with an error instead of a processed frame. */
  void frameError(String code) {
    frameErrors++;
    listener.error(code);
  }

  /** An error about a control message: not a frame, so not in the frame counts. */
  void controlError(String code) {
    listener.error(code);
  }

  void drop(DropReason reason) {
    dropped.merge(reason, 1L, Long::sum);
    listener.dropped(reason);
  }

  long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Starts or stops collecting per-frame timings for the {@code stats} messages. */
  void collectTimings(boolean enabled) {
    timings = enabled ? new ArrayList<>() : null;
  }

  /**
   * Records one answered frame: the node that processed it, its time there, and the rest of its
   * time in the server; {@code sequence} is -1 for a bare frame (no per-frame timing then).
   */
  void recordProcessed(long sequence, String worker, long processingNanos, long queueWaitNanos, StageTimes stages) {
    if (timings != null && sequence >= 0 && timings.size() < MAX_TIMINGS) {
      timings.add(new StatsReport.FrameTiming(sequence, micros(processingNanos), micros(Math.max(0, queueWaitNanos)),
        micros(stages.decodeNanos()), micros(stages.encodeNanos()),
        stages.ops().stream().map(op -> new StatsReport.OpMicros(op.op(), micros(op.nanos()))).toList(),
        micros(stages.setupNanos())));
    }
    if (worker != null) {
      processedBy.merge(worker, 1L, Long::sum);
    }
    long queued = Math.max(0, queueWaitNanos);
    if (processing == null) {
      processing = new Histogram(MAX_MICROS, 2);
      queueWait = new Histogram(MAX_MICROS, 2);
    }
    processing.recordValue(Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(processingNanos)));
    queueWait.recordValue(Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(queued)));
    listener.processed(processingNanos, queued);
    listener.stages(stages, queued);
  }

  private static long micros(long nanos) {
    return TimeUnit.NANOSECONDS.toMicros(nanos);
  }

  /** One line for the session-closed log. */
  String summary() {
    return "in=" + framesIn + " out=" + framesOut + " dropped=" + droppedTotal() + " errors=" + frameErrors
      + " bytesIn=" + bytesIn + " bytesOut=" + bytesOut;
  }

  /** Every count a report shows, summed: it changes whenever one of them does, since none goes down. */
  private long events() {
    return framesIn + framesOut + frameErrors + droppedTotal();
  }

  /**
   * Whether a {@code stats} message is due at this interval: the first one, one after anything
   * changed, and otherwise every {@value #QUIET_REPORT_EVERY}th interval. Thousands of idle
   * sessions then cost a tenth of the messages and JSON encoding.
   */
  boolean reportDue(int pending, int replyQuality) {
    return events() != reportedEvents || pending != reportedPending || replyQuality != reportedQuality
      || ++quietIntervals >= QUIET_REPORT_EVERY;
  }

  /** The last {@link #report} was not sent (the client was behind): the next interval reports again. */
  void reportSkipped() {
    reportedEvents = -1;
  }

  /** What the next {@code stats} message says; starts a new latency window. */
  StatsReport report(int pending, int replyQuality) {
    reportedEvents = events();
    reportedPending = pending;
    reportedQuality = replyQuality;
    quietIntervals = 0;
    Map<String, Long> drops = new LinkedHashMap<>();
    dropped.forEach((reason, count) -> drops.put(reason.wireName(), count));
    StatsReport report = new StatsReport(framesIn, framesOut, frameErrors, drops, pending, bytesIn, bytesOut,
      new LinkedHashMap<>(processedBy), percentiles(processing), percentiles(queueWait), timings, replyQuality, input, output);
    if (timings != null) {
      timings = new ArrayList<>();
    }
    if (processing != null && processing.getTotalCount() == 0) {
      processing = null; // a window without frames: let them go until the next frame
      queueWait = null;
    } else if (processing != null) {
      processing.reset();
      queueWait.reset();
    }
    return report;
  }

  private static StatsReport.Percentiles percentiles(Histogram histogram) {
    if (histogram == null) {
      return new StatsReport.Percentiles(0, 0, 0);
    }
    return new StatsReport.Percentiles(histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
      histogram.getValueAtPercentile(99) / 1000.0);
  }
}
