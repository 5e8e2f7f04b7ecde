package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.Consumer;

/**
 * One worker taken for one frame: sends the frame and hears the answer, or learns that the worker
 * is gone. It gives the worker back through {@code giveBack} when the worker answers, when the
 * frame is given up for a reason that leaves the worker usable, or when it is released unused.
 */
final class Lease implements WorkerLease {

  private final Vertx vertx;
  private final KnownWorker worker;
  private final long processTimeoutMs;
  private final Consumer<Lease> giveBack;
  private final Consumer<Lease> unreachable;
  private final RateLimitedLog lostLog;
  private final RemotePictures remotePictures;
  private final Promise<ProcessedFrame> result = Promise.promise();
  private volatile Context context;
  private volatile long sentNanos;
  /** The worker went away before or while it had the frame. */
  private volatile boolean lost;
  /** The request timed out: the worker stays taken until its node says it is free. */
  private volatile boolean abandoned;

  /**
   * @param giveBack    frees the worker for the next frame
   * @param unreachable the worker no longer receives: forgets it, and frees the lease
   */
  Lease(Vertx vertx, KnownWorker worker, long processTimeoutMs, Consumer<Lease> giveBack, Consumer<Lease> unreachable,
        RateLimitedLog lostLog, RemotePictures remotePictures) {
    this.vertx = vertx;
    this.worker = worker;
    this.processTimeoutMs = processTimeoutMs;
    this.giveBack = giveBack;
    this.unreachable = unreachable;
    this.lostLog = lostLog;
    this.remotePictures = remotePictures;
  }

  KnownWorker worker() {
    return worker;
  }

  /** When the frame was sent; 0 while it has not been. */
  long sentNanos() {
    return sentNanos;
  }

  boolean abandoned() {
    return abandoned;
  }

  @Override
  public Future<ProcessedFrame> process(FrameJob job) {
    context = vertx.getOrCreateContext();
    if (lost) {
      return Future.failedFuture(new ProcessingFailure(ProcessingFailure.Kind.WORKER_LOST, "the worker is gone"));
    }
    // A remote worker may get a JPEG of a decoded picture, made off the event loop first.
    remotePictures.forWorker(worker, job).onComplete(ready -> {
      if (ready.failed()) {
        giveBack.accept(this);
        result.tryFail(new ProcessingFailure(ProcessingFailure.Kind.SERVER_ERROR,
          "could not encode the picture for a remote worker: " + ready.cause().getMessage()));
      } else if (lost) {
        result.tryFail(new ProcessingFailure(ProcessingFailure.Kind.WORKER_LOST, "the worker is gone"));
      } else {
        send(ready.result());
      }
    });
    return result.future();
  }

  private void send(FrameJob job) {
    sentNanos = System.nanoTime();
    DeliveryOptions delivery = new DeliveryOptions()
      // The hard limit: past it the frame is given up, but the worker stays taken (see abandoned).
      .setSendTimeout(10 * processTimeoutMs)
      .addHeader(WorkerProtocol.DEADLINE_HEADER, Long.toString(System.currentTimeMillis() + processTimeoutMs));
    vertx.eventBus().<ProcessedFrame>request(worker.address(), job, delivery).onComplete(reply -> {
      if (reply.succeeded()) {
        giveBack.accept(this);
        result.tryComplete(reply.result().body());
        return;
      }
      ProcessingFailure failure = WorkerProtocol.failure(reply.cause());
      ReplyFailure type = reply.cause() instanceof ReplyException e ? e.failureType() : ReplyFailure.ERROR;
      if (type == ReplyFailure.TIMEOUT) {
        abandoned = true;
      } else if (type == ReplyFailure.NO_HANDLERS) {
        unreachable.accept(this);
      } else {
        giveBack.accept(this);
      }
      result.tryFail(failure);
    });
  }

  @Override
  public void release() {
    giveBack.accept(this);
  }

  /** The worker is gone: the frame fails now, on the session's context. */
  void lose(String why) {
    lost = true;
    giveBack.accept(this);
    lostLog.warn("worker " + worker.address() + " on node " + worker.node() + " is gone (" + why
      + "); a frame it held was dropped as worker_lost");
    ProcessingFailure failure = new ProcessingFailure(ProcessingFailure.Kind.WORKER_LOST, "the worker is gone: " + why);
    if (context == null) {
      return; // taken but never sent: the session releases it, which is then a no-op
    }
    context.runOnContext(v -> result.tryFail(failure));
  }
}
