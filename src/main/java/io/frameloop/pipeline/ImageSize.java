package io.frameloop.pipeline;

/** An image's width and height in pixels. */
public record ImageSize(int width, int height) {
}
