package io.frameloop.image;

import io.vertx.core.buffer.Buffer;

/**
 * What a JPEG's header declares, read from its markers without decoding any pixels, so that a
 * tiny file declaring 60000x60000 can be refused before a decoder allocates for it.
 */
public record JpegInfo(int width, int height, int components, boolean progressive) {

  /**
   * Reads the frame header (SOFn) of a JPEG.
   *
   * @throws BadFrameException if the bytes are not a JPEG or end before the frame header
   */
  public static JpegInfo read(Buffer jpeg) {
    int length = jpeg.length();
    if (length < 4 || jpeg.getUnsignedByte(0) != 0xFF || jpeg.getUnsignedByte(1) != 0xD8) {
      throw new BadFrameException("not a JPEG: the data does not start with the SOI marker FF D8");
    }
    int pos = 2;
    while (pos + 4 <= length) {
      if (jpeg.getUnsignedByte(pos) != 0xFF) {
        throw new BadFrameException("corrupt JPEG: expected a marker at byte " + pos);
      }
      int marker = jpeg.getUnsignedByte(pos + 1);
      if (marker == 0xFF) { // fill byte
        pos++;
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        throw new BadFrameException("corrupt JPEG: no frame header (SOF) before the image data");
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // markers without a length
        pos += 2;
        continue;
      }
      int segmentLength = jpeg.getUnsignedShort(pos + 2);
      if (segmentLength < 2) {
        throw new BadFrameException("corrupt JPEG: segment length " + segmentLength + " at byte " + pos);
      }
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        if (pos + 10 > length) {
          break;
        }
        int height = jpeg.getUnsignedShort(pos + 5);
        int width = jpeg.getUnsignedShort(pos + 7);
        int components = jpeg.getUnsignedByte(pos + 9);
        boolean progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
        return new JpegInfo(width, height, components, progressive);
      }
      pos += 2 + segmentLength;
    }
    throw new BadFrameException("truncated JPEG: the data ends before the frame header (SOF)");
  }

  public long pixels() {
    return (long) width * height;
  }
}
