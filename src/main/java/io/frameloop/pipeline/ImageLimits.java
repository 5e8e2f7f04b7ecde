package io.frameloop.pipeline;

/** The largest image a worker will decode, checked against the JPEG header before decoding. */
public record ImageLimits(int maxWidth, int maxHeight, long maxPixels) {
}
