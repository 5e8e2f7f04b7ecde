package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * One frame to process: the JPEG bytes (a slice of the received message, not a copy) or the
 * picture a video chunk decoded to, the session's pipeline at the time the frame arrived, and the
 * quality to encode the result at (the pipeline's, or lower while the client reads slowly).
 *
 * @param jpeg    the JPEG, or null when {@code picture} is set
 * @param picture the decoded video picture, or null for a JPEG frame
 */
public record FrameJob(Buffer jpeg, PipelineSpec pipeline, int quality, DecodedPicture picture) {

  public FrameJob(Buffer jpeg, PipelineSpec pipeline, int quality) {
    this(jpeg, pipeline, quality, null);
  }

  /** At the pipeline's own quality. */
  public FrameJob(Buffer jpeg, PipelineSpec pipeline) {
    this(jpeg, pipeline, pipeline.quality());
  }

  /** A decoded video picture to process. */
  public static FrameJob ofPicture(DecodedPicture picture, PipelineSpec pipeline, int quality) {
    return new FrameJob(null, pipeline, quality, picture);
  }
}
