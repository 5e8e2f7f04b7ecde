package io.frameloop.video;

import org.bytedeco.ffmpeg.global.swscale;

/** WebCodecs' matrix names to swscale's coefficient tables ({@code SWS_CS_*}). */
final class Matrices {

  private Matrices() {
  }

  static int swscale(String matrix) {
    return switch (matrix) {
      case "bt709" -> swscale.SWS_CS_ITU709;
      case "bt2020-ncl" -> swscale.SWS_CS_BT2020;
      case "smpte170m" -> swscale.SWS_CS_SMPTE170M;
      default -> swscale.SWS_CS_ITU601; // bt470bg
    };
  }
}
