package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Vertx;

/**
 * What the worker round trip puts on the event bus: the addresses under the workers' address, the
 * message codecs, the failure codes and the deadline header.
 */
final class WorkerProtocol {

  /** A worker's failure code for a frame that is at fault (not a JPEG it accepts, or an op failed on it). */
  static final int BAD_FRAME_CODE = 400;
  /** A worker's failure code for a frame whose deadline passed before it started. */
  static final int EXPIRED_CODE = 408;
  /** A worker's failure code for a frame it failed on. */
  static final int SERVER_ERROR_CODE = 500;
  /** The wall-clock time (epoch milliseconds) after which a frame is no longer worth processing. */
  static final String DEADLINE_HEADER = "deadline";

  private WorkerProtocol() {
  }

  /** Where worker nodes announce their workers (published every heartbeat, and when asked). */
  static String announceAddress(String address) {
    return address + ".announce";
  }

  /** Where fronts ask every worker node to announce itself now. */
  static String discoverAddress(String address) {
    return address + ".discover";
  }

  /** The codecs of {@link FrameJob} and {@link ProcessedFrame}, once per Vert.x instance. */
  static void registerCodecs(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(FrameJob.class, new FrameJobMessageCodec());
      vertx.eventBus().registerDefaultCodec(ProcessedFrame.class, new ProcessedFrameMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Another FrameLoop in this Vert.x instance registered them: the same codecs.
    }
  }
}
