package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A request per frame on the event bus; the worker's failure codes and the bus's own failures
 * become {@link ProcessingFailure}s here, so no other package sees event-bus types.
 */
final class EventBusWorkerClient implements WorkerClient {

  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions delivery;

  EventBusWorkerClient(Vertx vertx, String address, long timeoutMs) {
    this.vertx = vertx;
    this.address = address;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  @Override
  public Future<ProcessedFrame> process(FrameJob job) {
    return vertx.eventBus().<ProcessedFrame>request(address, job, delivery)
      .map(Message::body)
      .recover(cause -> Future.failedFuture(failure(cause)));
  }

  private static ProcessingFailure failure(Throwable cause) {
    if (cause instanceof ReplyException reply && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return new ProcessingFailure(ProcessingFailure.Kind.WORKER_LOST, "no worker answered: " + reply.failureType());
    }
    if (cause instanceof ReplyException reply && reply.failureCode() == WorkerMessageCodecs.BAD_FRAME_CODE) {
      return new ProcessingFailure(ProcessingFailure.Kind.BAD_FRAME, reply.getMessage());
    }
    return new ProcessingFailure(ProcessingFailure.Kind.SERVER_ERROR, "processing failed: " + cause.getMessage());
  }
}
