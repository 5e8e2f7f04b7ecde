package io.frameloop.image;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.vertx.core.buffer.Buffer;
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
  private byte[] scratch = new byte[64 * 1024];
  private Memory input = new Memory(scratch.length);
  private Pointer output;
  private long outputCapacity;
  // CMYK/YCCK JPEGs: libjpeg-turbo does not convert them to BGR, OpenCV does.
  private OpenCvJpegCodec cmykFallback;

  public TurboJpegCodec() {
    TurboJpeg.loadError().ifPresent(error -> {
      throw new IllegalStateException(error);
    });
    decompressor = TurboJpeg.tjInitDecompress();
    compressor = TurboJpeg.tjInitCompress();
    if (decompressor == null || compressor == null) {
      close();
      throw new IllegalStateException("TurboJPEG could not create its handles");
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
    if (length > scratch.length) {
      scratch = new byte[Integer.highestOneBit(length) << 1];
      input.close();
      input = new Memory(scratch.length);
    }
    jpeg.getBytes(0, length, scratch, 0);
    input.write(0, scratch, 0, length);
    NativeLong size = new NativeLong(length);
    if (TurboJpeg.tjDecompressHeader3(decompressor, input, size, width, height, subsampling, colorspace) != 0) {
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
    int rc = TurboJpeg.tjDecompress2(decompressor, input, size, new Pointer(decoded.dataAddr()), w, w * 3, h,
      TurboJpeg.TJPF_BGR, TurboJpeg.TJFLAG_LIMITSCANS);
    // A warning (e.g. data ends early) still leaves a usable image, as with OpenCV's decoder.
    if (rc != 0 && TurboJpeg.tjGetErrorCode(decompressor) != TurboJpeg.TJERR_WARNING) {
      throw decodeFailure();
    }
    return decoded;
  }

  /**
   * After a fatal error a TurboJPEG 2.1 handle can stay in a broken state (the next, good JPEG
   * fails too), so it is replaced. Errors are rare; a new handle is cheap.
   */
  private BadFrameException decodeFailure() {
    String message = TurboJpeg.tjGetErrorStr2(decompressor);
    TurboJpeg.tjDestroy(decompressor);
    decompressor = TurboJpeg.tjInitDecompress();
    return new BadFrameException("could not decode the JPEG: " + message);
  }

  @Override
  public Buffer encode(Mat image, int quality) {
    int channels = image.channels();
    if (image.depth() != CvType.CV_8U || (channels != 1 && channels != 3)) {
      throw new BadFrameException("cannot encode an image of type " + CvType.typeToString(image.type()) + " as JPEG");
    }
    Mat source = image.isContinuous() ? image : NativeMats.track(image.clone());
    try {
      int subsamp = channels == 1 ? TurboJpeg.TJSAMP_GRAY : TurboJpeg.TJSAMP_420;
      long needed = TurboJpeg.tjBufSize(source.cols(), source.rows(), subsamp).longValue();
      if (needed > outputCapacity) {
        if (output != null) {
          TurboJpeg.tjFree(output);
        }
        output = TurboJpeg.tjAlloc((int) needed);
        outputCapacity = needed;
      }
      encodedRef.setValue(output);
      encodedSize.setValue(new NativeLong(outputCapacity));
      int rc = TurboJpeg.tjCompress2(compressor, new Pointer(source.dataAddr()), source.cols(), source.cols() * channels,
        source.rows(), channels == 1 ? TurboJpeg.TJPF_GRAY : TurboJpeg.TJPF_BGR, encodedRef, encodedSize, subsamp,
        quality, TurboJpeg.TJFLAG_NOREALLOC);
      if (rc != 0) {
        String message = TurboJpeg.tjGetErrorStr2(compressor);
        TurboJpeg.tjDestroy(compressor);
        compressor = TurboJpeg.tjInitCompress();
        throw new BadFrameException("JPEG encoding failed: " + message);
      }
      return Buffer.buffer(output.getByteArray(0, (int) encodedSize.getValue().longValue()));
    } finally {
      if (source != image) {
        NativeMats.release(source);
      }
    }
  }

  @Override
  public void close() {
    if (decompressor != null) {
      TurboJpeg.tjDestroy(decompressor);
    }
    if (compressor != null) {
      TurboJpeg.tjDestroy(compressor);
    }
    if (output != null) {
      TurboJpeg.tjFree(output);
      output = null;
    }
    input.close();
    NativeMats.release(decoded);
    if (cmykFallback != null) {
      cmykFallback.close();
    }
  }
}
