package io.frameloop.video;

import io.frameloop.natives.NativeCache;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * Loads bytedeco FFmpeg's natives, once per JVM. JavaCPP extracts them into its cache directory;
 * unless the user set {@value #CACHE_DIR}, that is FrameLoop's ({@code ~/.cache/frameloop/javacpp},
 * beside OpenCV's and ONNX Runtime's), so nothing is left in the temporary directory. FFmpeg's own
 * log is silenced: its errors come back as return codes, reported to the client.
 */
final class FfmpegNatives {

  static final String CACHE_DIR = "org.bytedeco.javacpp.cachedir";
  private static final System.Logger LOG = System.getLogger(FfmpegNatives.class.getName());

  private FfmpegNatives() {
  }

  /**
   * Loads the natives; only called once the classes are known present.
   *
   * @return why they cannot be used, or null when they load and have a VP8 decoder
   */
  static String load() {
    try {
      if (System.getProperty(CACHE_DIR) == null && NativeCache.directory() != null) {
        System.setProperty(CACHE_DIR, NativeCache.directory().resolve("javacpp").toString());
      }
      Loader.load(avutil.class);
      Loader.load(avcodec.class);
      Loader.load(swscale.class);
      avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    } catch (LinkageError | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "FFmpeg's natives did not load", e);
      return "FFmpeg's natives did not load on this platform (" + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + "): " + e;
    }
    return avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_VP8) == null ? "this FFmpeg build has no VP8 decoder" : null;
  }

  /** JavaCPP's count of the bytes its pointers hold now. */
  static long allocatedBytes() {
    return Pointer.totalBytes();
  }

  /** Whether the loaded natives have libvpx's VP8 encoder. */
  static boolean encodesVp8() {
    return avcodec.avcodec_find_encoder_by_name(Vp8Encoder.LIBVPX) != null;
  }
}
