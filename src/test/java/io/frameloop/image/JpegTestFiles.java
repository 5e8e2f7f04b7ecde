package io.frameloop.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.vertx.core.buffer.Buffer;

/** Real JPEGs changed byte by byte into the hostile files of issue 17. */
final class JpegTestFiles {

  private static final int TJXOPT_PROGRESSIVE = 32;
  private static final int TJTRANSFORM_SIZE = 40; // tjregion (4 ints), op, options, data, customFilter

  private JpegTestFiles() {
  }

  /** The position of the frame header's marker (FF at pos, SOFn at pos + 1). */
  static int sofPosition(Buffer jpeg) {
    return segmentPosition(jpeg, 0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF);
  }

  /** The position of the first of these markers among the segments before the image data. */
  static int segmentPosition(Buffer jpeg, int... markers) {
    int pos = 2;
    while (pos + 4 <= jpeg.length()) {
      int marker = jpeg.getUnsignedByte(pos + 1);
      for (int wanted : markers) {
        if (marker == wanted) {
          return pos;
        }
      }
      pos += 2 + jpeg.getUnsignedShort(pos + 2);
    }
    throw new AssertionError("no such marker found");
  }

  /** A copy whose frame header is SOFn {@code marker} (e.g. 0xC9, arithmetic-coded); the data is unchanged. */
  static Buffer withSofMarker(Buffer jpeg, int marker) {
    Buffer copy = jpeg.copy();
    copy.setUnsignedByte(sofPosition(jpeg) + 1, (short) marker);
    return copy;
  }

  /** A copy whose frame header declares {@code bits}-bit samples. */
  static Buffer withPrecision(Buffer jpeg, int bits) {
    Buffer copy = jpeg.copy();
    copy.setUnsignedByte(sofPosition(jpeg) + 4, (short) bits);
    return copy;
  }

  /**
   * A copy of a progressive JPEG with {@code count} more scans before its EOI, each an empty DC
   * refinement of the first component: 10 bytes, no Huffman table needed, and no change to the
   * image (decoders only warn about the missing data).
   */
  static Buffer withExtraScans(Buffer jpeg, int count) {
    int length = jpeg.length();
    if (jpeg.getUnsignedShort(length - 2) != 0xFFD9) {
      throw new AssertionError("the JPEG does not end with EOI");
    }
    int component = jpeg.getUnsignedByte(sofPosition(jpeg) + 10);
    byte[] scan = {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, (byte) component, 0, 0, 0, 0x10};
    Buffer out = Buffer.buffer(length + count * scan.length);
    out.appendBuffer(jpeg, 0, length - 2);
    for (int i = 0; i < count; i++) {
      out.appendBytes(scan);
    }
    return out.appendBuffer(jpeg, length - 2, 2);
  }

  /** The SOS markers a naive search finds: right for files without embedded thumbnails. */
  static int sosMarkers(Buffer jpeg) {
    int count = 0;
    for (int i = 0; i + 1 < jpeg.length(); i++) {
      if (jpeg.getUnsignedByte(i) == 0xFF && jpeg.getUnsignedByte(i + 1) == 0xDA) {
        count++;
      }
    }
    return count;
  }

  /**
   * The same image made progressive, losslessly, by libjpeg-turbo's transformer (as jpegtran
   * -progressive does); it keeps the colour space, so a CMYK JPEG stays CMYK.
   */
  static Buffer progressive(Buffer jpeg) {
    NativeLibrary library = NativeLibrary.getInstance(TurboJpeg.LIBRARY);
    Pointer handle = library.getFunction("tjInitTransform").invokePointer(new Object[0]);
    try (Memory source = new Memory(jpeg.length());
         Memory destinations = new Memory(Native.POINTER_SIZE);
         Memory sizes = new Memory(NativeLong.SIZE);
         Memory transform = new Memory(TJTRANSFORM_SIZE)) {
      source.write(0, jpeg.getBytes(), 0, jpeg.length());
      destinations.setPointer(0, null);
      sizes.setNativeLong(0, new NativeLong(0));
      transform.clear();
      transform.setInt(20, TJXOPT_PROGRESSIVE);
      int rc = library.getFunction("tjTransform").invokeInt(new Object[] {
        handle, source, new NativeLong(jpeg.length()), 1, destinations, sizes, transform, 0});
      if (rc != 0) {
        throw new AssertionError("tjTransform failed: " + TurboJpeg.tjGetErrorStr2(handle));
      }
      Pointer result = destinations.getPointer(0);
      byte[] bytes = result.getByteArray(0, (int) sizes.getNativeLong(0).longValue());
      TurboJpeg.tjFree(result);
      return Buffer.buffer(bytes);
    } finally {
      TurboJpeg.tjDestroy(handle);
    }
  }
}
