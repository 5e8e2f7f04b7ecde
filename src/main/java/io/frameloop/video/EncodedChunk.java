package io.frameloop.video;

import io.vertx.core.buffer.Buffer;

/** One encoded video chunk and whether it is a key chunk (decodable on its own). */
public record EncodedChunk(Buffer data, boolean key) {
}
