package io.frameloop.image;

/**
 * The {@code jpegCodec} setting. The constants are spelled as they are written in the
 * configuration.
 */
public enum JpegCodecSetting {
  /** SIMD libjpeg-turbo when it loads, else OpenCV's bundled codec. */
  auto,
  /** Debian's SIMD libjpeg-turbo ({@code libturbojpeg.so.0}); start-up fails without it. */
  turbojpeg,
  /** OpenCV's bundled, slower codec. */
  opencv
}
