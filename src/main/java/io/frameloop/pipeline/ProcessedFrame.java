package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * A worker's result: the encoded JPEG, or for a pipeline with VP8 replies the processed picture
 * (which the session's own encoder encodes in order), and what it took.
 *
 * @param jpeg            the reply JPEG, or null when {@code picture} is set
 * @param processingNanos decode + ops + encode time on the worker
 * @param worker          the name of the node that processed it, or null
 * @param stages          the processing time by stage
 * @param picture         the processed picture (BGR, even width and height) for a VP8 reply, or null
 */
public record ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages,
                             DecodedPicture picture) {

  /** A JPEG reply. */
  public ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages) {
    this(jpeg, width, height, processingNanos, worker, stages, null);
  }

  public ProcessedFrame withWorker(String worker) {
    return new ProcessedFrame(jpeg, width, height, processingNanos, worker, stages, picture);
  }

  /** The reply's bytes as the worker made them: the JPEG's, or the raw picture's. */
  public int bytes() {
    return jpeg != null ? jpeg.length() : picture.bgr().length;
  }
}
