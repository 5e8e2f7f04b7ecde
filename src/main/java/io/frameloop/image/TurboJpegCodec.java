package io.frameloop.image;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * libjpeg-turbo's SIMD codec through the TurboJPEG API: decodes straight into a Mat it reuses
 * across frames, and encodes from the Mat's memory into a buffer it also reuses.
 *
 * <p>Native memory is written only after the sizes were checked: the destination Mat is sized
 * from the header TurboJPEG itself read, which must match the size already checked against the
 * limits, and the decoder is asked for exactly a size it produces (a supported scaling factor).
 */
public final class TurboJpegCodec implements JpegCodec {

  private Pointer decompressor;
  private Pointer compressor;
  private final Mat decoded = NativeMats.create();
  private final IntByReference width = new IntByReference();
  private final IntByReference height = new IntByReference();
  private final IntByReference subsampling = new IntByReference();
  private final IntByReference colorspace = new IntByReference();
  private final PointerByReference encodedRef = new PointerByReference();
  private final NativeLongByReference encodedSize = new NativeLongByReference();
  private Memory input = new Memory(64 * 1024);
  private Pointer output;
  private long outputCapacity;
  // CMYK/YCCK JPEGs: libjpeg-turbo does not convert them to BGR, OpenCV does.
  private OpenCvJpegCodec cmykFallback;

  public TurboJpegCodec() {
    TurboJpeg.loadError().ifPresent(error -> {
      throw new IllegalStateException(error);
    });
    try {
      decompressor();
      compressor();
    } catch (IllegalStateException e) {
      close();
      throw e;
    }
  }

  /** Why this codec cannot be used here, or null when it can. */
  public static String unavailableReason() {
    return TurboJpeg.loadError().orElse(null);
  }

  @Override
  public String name() {
    return "turbojpeg";
  }

  @Override
  public Mat decode(Buffer jpeg, JpegInfo info, int reduction) {
    int length = jpeg.length();
    Pointer source = nativeBytes(jpeg, length);
    NativeLong size = new NativeLong(length);
    if (TurboJpeg.tjDecompressHeader3(decompressor(), source, size, width, height, subsampling, colorspace) != 0) {
      throw decodeFailure();
    }
    if (width.getValue() != info.width() || height.getValue() != info.height()) {
      throw new BadFrameException("JPEG headers disagree about the size: " + width.getValue() + "x" + height.getValue()
        + " and " + info.width() + "x" + info.height());
    }
    if (colorspace.getValue() == TurboJpeg.TJCS_CMYK || colorspace.getValue() == TurboJpeg.TJCS_YCCK) {
      if (cmykFallback == null) {
        cmykFallback = new OpenCvJpegCodec();
      }
      return cmykFallback.decode(jpeg, info, reduction);
    }
    int w = JpegCodec.reduced(info.width(), reduction);
    int h = JpegCodec.reduced(info.height(), reduction);
    decoded.create(h, w, CvType.CV_8UC3);
    // JpegInfo already refused more than JpegInfo.MAX_SCANS scans; libjpeg-turbo's own check stays.
    int rc = TurboJpeg.tjDecompress2(decompressor, source, size, new Pointer(decoded.dataAddr()), w, w * 3, h,
      TurboJpeg.TJPF_BGR, TurboJpeg.TJFLAG_LIMITSCANS);
    // A warning (e.g. data ends early) still leaves a usable image, as with OpenCV's decoder.
    if (rc != 0 && TurboJpeg.tjGetErrorCode(decompressor) != TurboJpeg.TJERR_WARNING) {
      throw decodeFailure();
    }
    return decoded;
  }

  /**
   * The JPEG's bytes in native memory for TurboJPEG, valid until the next decode: the buffer's own
   * memory when it is off-heap (no copy), else one copy from its array (a received WebSocket
   * message is a heap buffer) into the reused input buffer.
   */
  private Pointer nativeBytes(Buffer jpeg, int length) {
    ByteBuf bytes = jpeg instanceof BufferInternal internal ? internal.getByteBuf() : null;
    if (bytes != null && bytes.hasMemoryAddress()) {
      return new Pointer(bytes.memoryAddress() + bytes.readerIndex());
    }
    if (length > input.size()) {
      Memory grown = new Memory(CodecChecks.grownCapacity(length)); // replaced only once it exists
      input.close();
      input = grown;
    }
    if (bytes != null && bytes.hasArray()) {
      input.write(0, bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), length);
    } else {
      input.write(0, jpeg.getBytes(), 0, length);
    }
    return input;
  }

  /**
   * After a fatal error a TurboJPEG 2.1 handle can stay in a broken state (the next, good JPEG
   * fails too), so it is replaced. Errors are rare; a new handle is cheap.
   */
  private BadFrameException decodeFailure() {
    String message = TurboJpeg.tjGetErrorStr2(decompressor);
    TurboJpeg.tjDestroy(decompressor);
    decompressor = null; // made again on the next decode
    return new BadFrameException("could not decode the JPEG: " + message);
  }

  private Pointer decompressor() {
    if (decompressor == null) {
      decompressor = TurboJpeg.tjInitDecompress();
      if (decompressor == null) {
        throw new IllegalStateException("TurboJPEG could not create a decompressor: " + TurboJpeg.tjGetErrorStr2(null));
      }
    }
    return decompressor;
  }

  private Pointer compressor() {
    if (compressor == null) {
      compressor = TurboJpeg.tjInitCompress();
      if (compressor == null) {
        throw new JpegEncodeException("TurboJPEG could not create a compressor: " + TurboJpeg.tjGetErrorStr2(null));
      }
    }
    return compressor;
  }

  @Override
  public Buffer encode(Mat image, int quality) {
    CodecChecks.checkEncodable(image);
    int channels = image.channels();
    int subsamp = channels == 1 ? TurboJpeg.TJSAMP_GRAY : TurboJpeg.TJSAMP_420;
    int needed = outputSize(image.cols(), image.rows(), subsamp);
    Mat source = image.isContinuous() ? image : NativeMats.track(image.clone());
    try {
      ensureOutput(needed);
      encodedRef.setValue(output);
      encodedSize.setValue(new NativeLong(outputCapacity));
      int rc = TurboJpeg.tjCompress2(compressor(), new Pointer(source.dataAddr()), source.cols(),
        source.cols() * channels, source.rows(), channels == 1 ? TurboJpeg.TJPF_GRAY : TurboJpeg.TJPF_BGR,
        encodedRef, encodedSize, subsamp, quality, TurboJpeg.TJFLAG_NOREALLOC);
      if (rc != 0) {
        String message = TurboJpeg.tjGetErrorStr2(compressor);
        TurboJpeg.tjDestroy(compressor);
        compressor = null; // a handle can stay broken after an error; made again on the next encode
        throw new JpegEncodeException("JPEG encoding failed: " + message);
      }
      // One copy, into an array the Buffer wraps (Buffer.buffer(byte[]) would copy it again).
      return BufferInternal.buffer(Unpooled.wrappedBuffer(output.getByteArray(0, (int) encodedSize.getValue().longValue())));
    } finally {
      if (source != image) {
        NativeMats.release(source);
      }
      if (outputCapacity > CodecChecks.RETAINED_BUFFER) {
        freeOutput(); // one huge image should not pin its buffer in every worker
      }
    }
  }

  /**
   * The bytes tjCompress2 may write for an image: tjBufSize's formula computed in long first,
   * because libjpeg-turbo 2.1's tjBufSize multiplies in int (65535x65535 grey gives 2048), and
   * tjAlloc takes an int.
   *
   * @throws JpegEncodeException if that is over {@link CodecChecks#MAX_ARRAY} or TurboJPEG
   *                             cannot size it
   */
  static int outputSize(int width, int height, int subsamp) {
    boolean gray = subsamp == TurboJpeg.TJSAMP_GRAY;
    int mcu = gray ? 8 : 16; // the MCU of 4:2:0 is 16x16 and adds one chroma byte per pixel
    long bound = (long) padded(width, mcu) * padded(height, mcu) * (gray ? 2 : 3) + 2048;
    if (bound > CodecChecks.MAX_ARRAY) {
      throw new JpegEncodeException("cannot encode a " + width + "x" + height + " image as JPEG: its buffer would need "
        + bound + " bytes, over the limit of " + CodecChecks.MAX_ARRAY);
    }
    long needed = TurboJpeg.tjBufSize(width, height, subsamp).longValue();
    if (needed <= 0 || needed > CodecChecks.MAX_ARRAY) {
      throw new JpegEncodeException("TurboJPEG cannot size the buffer for a " + width + "x" + height
        + " image (tjBufSize gave " + needed + ")");
    }
    return (int) Math.max(bound, needed);
  }

  private static long padded(int side, int mcu) {
    return ((long) side + mcu - 1) / mcu * mcu;
  }

  /** Records the capacity only once the buffer exists, so a failed allocation breaks nothing. */
  private void ensureOutput(int needed) {
    if (needed <= outputCapacity) {
      return;
    }
    freeOutput();
    Pointer fresh = TurboJpeg.tjAlloc(needed);
    if (fresh == null) {
      throw new JpegEncodeException("TurboJPEG could not allocate " + needed + " bytes to encode into");
    }
    output = fresh;
    outputCapacity = needed;
  }

  private void freeOutput() {
    if (output != null) {
      TurboJpeg.tjFree(output);
      output = null;
    }
    outputCapacity = 0;
  }

  @Override
  public void close() {
    if (decompressor != null) {
      TurboJpeg.tjDestroy(decompressor);
      decompressor = null;
    }
    if (compressor != null) {
      TurboJpeg.tjDestroy(compressor);
      compressor = null;
    }
    freeOutput();
    input.close();
    NativeMats.release(decoded);
    if (cmykFallback != null) {
      cmykFallback.close();
    }
  }
}
