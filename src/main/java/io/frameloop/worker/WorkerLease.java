package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Future;

/**
 * One free worker, taken for one frame: {@link #process} sends the frame to it, or
 * {@link #release} gives it back unused. Either, once; the worker is free again when it answers.
 */
public interface WorkerLease {

  /**
   * Sends the frame; completes with the processed frame, or fails with a
   * {@link ProcessingFailure} that says whose fault it was.
   */
  Future<ProcessedFrame> process(FrameJob job);

  /** Gives the worker back without a frame. */
  void release();
}
