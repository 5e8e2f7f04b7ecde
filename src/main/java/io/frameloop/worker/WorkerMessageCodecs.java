package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Vertx;

/** What the worker round trip puts on the event bus: its message codecs and its failure codes. */
final class WorkerMessageCodecs {

  /** A worker's failure code for a frame that is at fault (not a JPEG it accepts, or an op failed on it). */
  static final int BAD_FRAME_CODE = 400;
  /** A worker's failure code for a frame it failed on. */
  static final int SERVER_ERROR_CODE = 500;

  private WorkerMessageCodecs() {
  }

  /** The codecs of {@link FrameJob} and {@link ProcessedFrame}, once per Vert.x instance. */
  static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(FrameJob.class, new FrameJobMessageCodec());
      vertx.eventBus().registerDefaultCodec(ProcessedFrame.class, new ProcessedFrameMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another FrameLoop in this Vert.x instance registered them: the same codecs.
    }
  }
}
