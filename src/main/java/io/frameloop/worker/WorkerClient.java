package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Future;

/**
 * The session's side of the worker round trip: hands a frame to a worker and completes with the
 * processed frame, or fails with a {@link ProcessingFailure} that says whose fault it was. Made by
 * {@link Workers#client}.
 */
public interface WorkerClient {

  Future<ProcessedFrame> process(FrameJob job);
}
