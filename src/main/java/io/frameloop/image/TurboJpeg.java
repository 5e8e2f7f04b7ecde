package io.frameloop.image;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Optional;

/**
 * The TurboJPEG C API of libjpeg-turbo 2.x ({@code libturbojpeg.so.0}, Debian's SIMD build in
 * package {@code libturbojpeg0}), bound with JNA direct mapping.
 */
final class TurboJpeg {

  static final String LIBRARY = "libturbojpeg.so.0";

  static final int TJPF_BGR = 1;
  static final int TJPF_GRAY = 6;
  static final int TJSAMP_420 = 2;
  static final int TJSAMP_GRAY = 3;
  static final int TJCS_CMYK = 3;
  static final int TJCS_YCCK = 4;
  static final int TJERR_WARNING = 0;
  static final int TJFLAG_NOREALLOC = 1024;
  /** libjpeg-turbo's own scan limit, the same as {@link JpegInfo#MAX_SCANS}, which is checked first. */
  static final int TJFLAG_LIMITSCANS = 32768;

  private static final Optional<String> LOAD_ERROR = load();

  private TurboJpeg() {
  }

  private static Optional<String> load() {
    try {
      Native.register(TurboJpeg.class, NativeLibrary.getInstance(LIBRARY));
      return Optional.empty();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.of(LIBRARY + " could not be loaded (" + e.getMessage().lines().findFirst().orElse("")
        + "); on Debian: apt-get install libturbojpeg0");
    }
  }

  /** Why the library is not usable, or empty when it is. */
  static Optional<String> loadError() {
    return LOAD_ERROR;
  }

  static native Pointer tjInitDecompress();

  static native Pointer tjInitCompress();

  static native int tjDestroy(Pointer handle);

  static native int tjDecompressHeader3(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, IntByReference width,
                                        IntByReference height, IntByReference subsamp, IntByReference colorspace);

  static native int tjDecompress2(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer dstBuf, int width,
                                  int pitch, int height, int pixelFormat, int flags);

  static native int tjCompress2(Pointer handle, Pointer srcBuf, int width, int pitch, int height, int pixelFormat,
                                PointerByReference jpegBuf, NativeLongByReference jpegSize, int subsamp, int quality,
                                int flags);

  static native NativeLong tjBufSize(int width, int height, int subsamp);

  static native Pointer tjAlloc(int bytes);

  static native void tjFree(Pointer buffer);

  static native String tjGetErrorStr2(Pointer handle);

  static native int tjGetErrorCode(Pointer handle);
}
