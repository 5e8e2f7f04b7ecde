package io.frameloop.image;

import java.util.function.Supplier;

/** Chooses the JPEG codec from the configuration: {@code auto}, {@code turbojpeg} or {@code opencv}. */
public final class JpegCodecs {

  private JpegCodecs() {
  }

  /**
   * The codec a setting selects, with why.
   *
   * @param factory makes one codec per worker
   * @param reason  one line for the log
   */
  public record Choice(String name, Supplier<JpegCodec> factory, String reason) {
  }

  /** @throws IllegalArgumentException for {@code turbojpeg} where it cannot load */
  public static Choice choose(JpegCodecSetting setting) {
    String unavailable = TurboJpegCodec.unavailableReason();
    return switch (setting) {
      case opencv -> new Choice("opencv", OpenCvJpegCodec::new, "jpegCodec is \"opencv\"");
      case turbojpeg -> {
        if (unavailable != null) {
          throw new IllegalArgumentException("jpegCodec is \"turbojpeg\" but " + unavailable);
        }
        yield new Choice("turbojpeg", TurboJpegCodec::new, "jpegCodec is \"turbojpeg\"");
      }
      case auto -> unavailable == null
        ? new Choice("turbojpeg", TurboJpegCodec::new, "jpegCodec \"auto\": " + TurboJpeg.LIBRARY + " (SIMD libjpeg-turbo) loaded")
        : new Choice("opencv", OpenCvJpegCodec::new, "jpegCodec \"auto\": " + unavailable + "; using OpenCV's slower bundled codec");
    };
  }
}
