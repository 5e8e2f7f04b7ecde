package io.frameloop.replay;

import org.HdrHistogram.Histogram;

/**
 * What every session of a run records into (from several event loops: the histograms are
 * synchronized ones).
 *
 * @param latency  round trips, µs
 * @param added    round trip minus the server's processing, µs
 * @param stages   the server's time by stage
 * @param timeline the run second by second
 * @param dropReasons the drop reasons the run keeps apart (the rest counted as {@code other})
 */
record RunMeters(Histogram latency, Histogram added, StageBreakdown stages, RunTimeline timeline, CappedNames dropReasons) {
}
