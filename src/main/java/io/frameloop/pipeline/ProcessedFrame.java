package io.frameloop.pipeline;

import io.vertx.core.buffer.Buffer;

/**
 * A worker's result: the encoded JPEG and what it took.
 *
 * @param processingNanos decode + ops + encode time on the worker
 */
public record ProcessedFrame(Buffer jpeg, int width, int height, long processingNanos) {
}
