package io.frameloop.protocol;

/**
 * The 16-byte header of a framed binary message (protocol v1).
 *
 * @param sequence  unsigned 32-bit sequence number chosen by the client, held in a long
 * @param timestamp client timestamp, opaque to the server and echoed back
 */
public record FrameHeader(long sequence, long timestamp) {
}
