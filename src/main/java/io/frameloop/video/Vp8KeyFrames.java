package io.frameloop.video;

import io.frameloop.pipeline.ImageLimits;
import io.vertx.core.buffer.Buffer;

/**
 * What a VP8 chunk says of itself before it is decoded (RFC 6386, 9.1): bit 0 of the frame tag is 0
 * for a key frame, which then has the start code {@code 9D 01 2A} at bytes 3-5 and its picture size
 * at bytes 6-9 (14 bits each, little-endian, the top 2 bits a scaling mode).
 */
public final class Vp8KeyFrames {

  private Vp8KeyFrames() {
  }

  /** A VP8 frame tag's length: no chunk is shorter. */
  public static final int FRAME_TAG_BYTES = 3;

  /**
   * Whether the chunk's own frame tag says key frame (bit 0 of byte 0 is 0): what the decoder goes
   * by, whatever the message's header flags say.
   */
  public static boolean taggedKey(Buffer chunk) {
    return chunk.length() > 0 && (chunk.getUnsignedByte(0) & 1) == 0;
  }

  /** Whether the chunk is a VP8 key frame, with the start code. */
  public static boolean isKey(Buffer chunk) {
    return chunk.length() >= 10 && (chunk.getUnsignedByte(0) & 1) == 0 && chunk.getUnsignedByte(3) == 0x9D
      && chunk.getUnsignedByte(4) == 0x01 && chunk.getUnsignedByte(5) == 0x2A;
  }

  public static int width(Buffer key) {
    return key.getUnsignedShortLE(6) & 0x3FFF;
  }

  public static int height(Buffer key) {
    return key.getUnsignedShortLE(8) & 0x3FFF;
  }

  /**
   * Checks a key chunk before decoding: that it is one, and that the size in its own header is within
   * the limits (the decoder would otherwise allocate for it).
   *
   * @throws VideoDecodeException saying what is wrong
   */
  public static void check(Buffer key, ImageLimits limits) {
    if (!isKey(key)) {
      throw new VideoDecodeException("the chunk is flagged key but is not a VP8 key frame (no 9D 01 2A start code"
        + " after a key frame tag)");
    }
    int width = width(key);
    int height = height(key);
    if (width == 0 || height == 0) {
      throw new VideoDecodeException("the VP8 key frame declares an empty picture (" + width + "x" + height + ")");
    }
    if (!limits.allows(width, height)) {
      throw new VideoDecodeException("the VP8 key frame declares " + width + "x" + height + ", over the image limits of "
        + limits.describe());
    }
  }
}
