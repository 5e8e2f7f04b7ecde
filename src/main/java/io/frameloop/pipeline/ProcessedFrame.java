package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * A worker's result: the encoded JPEG (or for a pipeline with VP8 replies the processed picture,
 * which the session's own encoder encodes in order), what the ops found, and what it took.
 *
 * @param jpeg            the processed image, or null when the reply mode is {@code results} (no encode)
 *                        or the replies are VP8 ({@code picture} is set)
 * @param processingNanos decode + ops + encode time on the worker
 * @param worker          the name of the node that processed it, or null
 * @param stages          the processing time by stage
 * @param results         what the ops reported, in the sent frame's pixels; null when no op reports
 *                        results and the reply mode is {@code image} (see {@link FrameResults#reported})
 * @param picture         the processed picture (BGR, even width and height) for a VP8 reply, or null
 */
public record ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages,
                             FrameResults results, DecodedPicture picture) {

  /** Without results. */
  public ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages) {
    this(jpeg, width, height, processingNanos, worker, stages, null, null);
  }

  /** A JPEG reply (or none), with results. */
  public ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos, String worker, StageTimes stages,
                        FrameResults results) {
    this(jpeg, width, height, processingNanos, worker, stages, results, null);
  }

  public ProcessedFrame withWorker(String worker) {
    return new ProcessedFrame(jpeg, width, height, processingNanos, worker, stages, results, picture);
  }
}
