package io.frameloop.video;

import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's text for its error codes. */
final class FfmpegErrors {

  private FfmpegErrors() {
  }

  static String describe(int code) {
    byte[] text = new byte[128];
    avutil.av_strerror(code, text, text.length);
    int end = 0;
    while (end < text.length && text[end] != 0) {
      end++;
    }
    return new String(text, 0, end, StandardCharsets.UTF_8) + " (" + code + ")";
  }
}
