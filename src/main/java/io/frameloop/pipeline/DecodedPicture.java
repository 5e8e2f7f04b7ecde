package io.frameloop.pipeline;

/**
 * A picture already decoded off the event loop (a video chunk), handed to a worker instead of a
 * JPEG: packed BGR pixels, on the Java heap so that a dropped picture costs no native memory to
 * give back.
 *
 * @param bgr         {@code width * height * 3} bytes, rows top to bottom, no padding
 * @param decodeNanos the time its decode and colour conversion took, counted in the frame's decode stage
 */
public record DecodedPicture(int width, int height, byte[] bgr, long decodeNanos) {

  public DecodedPicture {
    if (bgr.length != width * height * 3) {
      throw new IllegalArgumentException("a " + width + "x" + height + " BGR picture has " + width * height * 3
        + " bytes, not " + bgr.length);
    }
  }
}
