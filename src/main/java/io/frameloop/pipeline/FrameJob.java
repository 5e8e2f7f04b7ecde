package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * One frame to process: the JPEG bytes (a slice of the received message, not a copy), the
 * session's pipeline at the time the frame arrived, and the quality to encode the result at (the
 * pipeline's, or lower while the client reads slowly).
 */
public record FrameJob(Buffer jpeg, PipelineSpec pipeline, int quality) {

  /** At the pipeline's own quality. */
  public FrameJob(Buffer jpeg, PipelineSpec pipeline) {
    this(jpeg, pipeline, pipeline.quality());
  }
}
