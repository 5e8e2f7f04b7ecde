package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Vertx;

/** The event-bus message codecs of the worker round trip. */
public final class WorkerMessageCodecs {

  private WorkerMessageCodecs() {
  }

  /** Registers the codecs of {@link FrameJob} and {@link ProcessedFrame} once per Vert.x instance. */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(FrameJob.class, new FrameJobMessageCodec());
      vertx.eventBus().registerDefaultCodec(ProcessedFrame.class, new ProcessedFrameMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another FrameLoop in this Vert.x instance registered them: the same codecs.
    }
  }
}
