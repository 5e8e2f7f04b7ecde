package io.frameloop.pipeline;

import java.util.List;

/**
 * Where a frame's time on a worker went: decoding (with the header checks), making the pipeline's
 * ops (only when the worker had not cached them: the first frame of a pipeline), each op in
 * pipeline order, encoding. Their sum is the processing time but for a few microseconds of
 * bookkeeping.
 */
public record StageTimes(long decodeNanos, long setupNanos, List<OpTime> ops, long encodeNanos) {

  /** No stage times (a result from before they were measured, or a test's). */
  public static final StageTimes NONE = new StageTimes(0, 0, List.of(), 0);

  public StageTimes {
    ops = List.copyOf(ops);
  }

  /** One op's time. */
  public record OpTime(String op, long nanos) {
  }

  public long totalNanos() {
    return decodeNanos + setupNanos + encodeNanos + ops.stream().mapToLong(OpTime::nanos).sum();
  }
}
