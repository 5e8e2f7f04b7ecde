package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * One frame to process: the JPEG bytes (a slice of the received message, not a copy) and the
 * session's pipeline at the time the frame arrived.
 */
public record FrameJob(Buffer jpeg, PipelineSpec pipeline) {
}
