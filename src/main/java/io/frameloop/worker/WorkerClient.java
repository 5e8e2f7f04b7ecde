package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The session's side of the worker round trip: hands a frame to a worker and completes with the
 * processed frame, or fails with a {@link ProcessingFailure} that says whose fault it was.
 */
public interface WorkerClient {

  /** A client of the workers consuming {@code address} on the (local or clustered) event bus. */
  static WorkerClient create(Vertx vertx, String address, long timeoutMs) {
    return new EventBusWorkerClient(vertx, address, timeoutMs);
  }

  Future<ProcessedFrame> process(FrameJob job);
}
