package io.frameloop.image;

import io.vertx.core.buffer.Buffer;

/**
 * What a JPEG's header declares, read from its markers without decoding any pixels, so that a
 * tiny file declaring 60000x60000 can be refused before a decoder allocates for it, and a file
 * that would cost a decoder far more than its size is refused before any decoder sees it.
 */
public record JpegInfo(int width, int height, int components, boolean progressive) {

  /**
   * The most scans (SOS markers) a JPEG may have. A decoder makes a pass over the image per scan,
   * so thousands of tiny scans cost minutes of CPU; encoders write 1 to about 10. 500 is also
   * libjpeg-turbo's own limit (TJFLAG_LIMITSCANS), so both codecs accept the same files.
   */
  public static final int MAX_SCANS = 500;

  /**
   * Reads the frame header (SOFn) of a JPEG and counts its scans. Only 8-bit Huffman-coded
   * baseline, extended and progressive JPEGs (SOF0-SOF2) are accepted: the other coding
   * processes are never made by browsers or cameras, and arithmetic coding lets a few hundred
   * bytes declare a large image that decodes to real pixels (a decompression bomb).
   *
   * @throws BadFrameException if the bytes are not a JPEG, end before the frame header, use
   *                           another coding process or have more than {@link #MAX_SCANS} scans
   */
  public static JpegInfo read(Buffer jpeg) {
    return read(jpeg, true);
  }

  /**
   * The frame header alone, its scans not counted (the cost of a few marker reads, not of the whole
   * JPEG): for a JPEG already decoded, e.g. to report its size.
   *
   * @throws BadFrameException as {@link #read}, but for too many scans
   */
  public static JpegInfo readHeader(Buffer jpeg) {
    return read(jpeg, false);
  }

  private static JpegInfo read(Buffer jpeg, boolean countScans) {
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
      if (marker == 0xDE) {
        throw new BadFrameException("hierarchical JPEGs are not accepted (DHP marker)");
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
        checkCodingProcess(marker, jpeg.getUnsignedByte(pos + 4));
        int height = jpeg.getUnsignedShort(pos + 5);
        int width = jpeg.getUnsignedShort(pos + 7);
        int components = jpeg.getUnsignedByte(pos + 9);
        int scans = countScans ? JpegScans.count(jpeg, pos + 2 + segmentLength) : 0;
        if (scans > MAX_SCANS) {
          throw new BadFrameException("JPEG has " + scans + " scans, over the limit of " + MAX_SCANS);
        }
        return new JpegInfo(width, height, components, marker == 0xC2);
      }
      pos += 2 + segmentLength;
    }
    throw new BadFrameException("truncated JPEG: the data ends before the frame header (SOF)");
  }

  /** Accepts SOF0, SOF1 and SOF2 with 8-bit samples. */
  private static void checkCodingProcess(int marker, int precision) {
    int sof = marker - 0xC0;
    if (sof >= 9) { // SOF9-SOF11, SOF13-SOF15 (0xCC is DAC, not a frame header)
      throw new BadFrameException("arithmetic-coded JPEGs are not accepted (SOF" + sof + ")");
    }
    if (sof == 3) {
      throw new BadFrameException("lossless JPEGs are not accepted (SOF3)");
    }
    if (sof >= 5) {
      throw new BadFrameException("hierarchical JPEGs are not accepted (SOF" + sof + ")");
    }
    if (precision != 8) {
      throw new BadFrameException("only 8-bit JPEGs are accepted, this one has " + precision + "-bit samples");
    }
  }

  public long pixels() {
    return (long) width * height;
  }
}
