package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * A worker's result: the encoded JPEG, what the ops found, and what it took.
 *
 * @param jpeg            the processed image, or null when the reply mode is {@code results} (no encode)
 * @param processingNanos decode + ops + encode time on the worker
 * @param worker          the name of the node that processed it, or null
 * @param stages          the processing time by stage
 * @param results         what the ops reported, in the sent frame's pixels; null when no op reports
 *                        results and the reply mode is {@code image} (see {@link FrameResults#reported})
 */
public record ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages,
                             FrameResults results) {

  /** Without results. */
  public ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages) {
    this(jpeg, width, height, processingNanos, worker, stages, null);
  }

  public ProcessedFrame withWorker(String worker) {
    return new ProcessedFrame(jpeg, width, height, processingNanos, worker, stages, results);
  }
}
