package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * A worker's result: the encoded JPEG and what it took.
 *
 * @param processingNanos decode + ops + encode time on the worker
 * @param worker          the name of the node that processed it, or null
 * @param stages          the processing time by stage
 */
public record ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages) {

  public ProcessedFrame withWorker(String worker) {
    return new ProcessedFrame(jpeg, width, height, processingNanos, worker, stages);
  }
}
