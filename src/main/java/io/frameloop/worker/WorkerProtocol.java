package io.frameloop.worker;

import io.frameloop.pipeline.FrameJob;
import io.frameloop.pipeline.ProcessedFrame;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.VertxInternal;

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
  /** Local only: the cluster's members after one left or joined ({@code {"nodes":[node ids]}}), see {@link Workers#membersChanged}. */
  static final String MEMBERS_ADDRESS = "frameloop.cluster.members";

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

  /** This node's id in the cluster (what the cluster manager reports members by), or null when not clustered. */
  static String clusterNodeId(Vertx vertx) {
    if (vertx instanceof VertxInternal internal && internal.clusterManager() != null) {
      return internal.clusterManager().getNodeId();
    }
    return null;
  }

  /** What a failed request to a worker means for the frame. */
  static ProcessingFailure failure(Throwable cause) {
    if (cause instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case TIMEOUT:
          return new ProcessingFailure(ProcessingFailure.Kind.EXPIRED, "no answer within the hard limit");
        case NO_HANDLERS:
          return new ProcessingFailure(ProcessingFailure.Kind.WORKER_LOST, "the worker is gone");
        default:
          break;
      }
      if (reply.failureCode() == BAD_FRAME_CODE) {
        return new ProcessingFailure(ProcessingFailure.Kind.BAD_FRAME, reply.getMessage());
      }
      if (reply.failureCode() == EXPIRED_CODE) {
        return new ProcessingFailure(ProcessingFailure.Kind.EXPIRED, reply.getMessage());
      }
    }
    return new ProcessingFailure(ProcessingFailure.Kind.SERVER_ERROR, cause.getMessage());
  }
}
