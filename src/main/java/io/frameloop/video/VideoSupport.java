package io.frameloop.video;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Which video codecs this server decodes and encodes, as {@code hello} says: all of VP8 when
 * bytedeco's FFmpeg is on the class path and its natives load, none otherwise, with the reason.
 * This class names no FFmpeg type, so asking links nothing.
 */
public record VideoSupport(List<String> decode, List<String> encode, String unavailable) {

  public static final String VP8 = "vp8";
  public static final String MISSING = "bytedeco FFmpeg is not on the class path: add org.bytedeco:ffmpeg and"
    + " org.bytedeco:javacpp with their platform's natives";

  private static volatile VideoSupport probed;

  public VideoSupport {
    decode = List.copyOf(decode);
    encode = List.copyOf(encode);
  }

  static VideoSupport unavailable(String reason) {
    return new VideoSupport(List.of(), List.of(), reason);
  }

  /**
   * Probes once per JVM: the classes, then the natives (loading them the first time: a blocking
   * call, never on an event loop), then the VP8 decoder and encoder in them.
   */
  public static synchronized VideoSupport probe() {
    if (probed == null) {
      probed = probeNow();
    }
    return probed;
  }

  private static VideoSupport probeNow() {
    try {
      Class.forName("org.bytedeco.ffmpeg.global.avcodec", false, VideoSupport.class.getClassLoader());
      Class.forName("org.bytedeco.javacpp.Loader", false, VideoSupport.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return unavailable(MISSING);
    }
    String failed = FfmpegNatives.load();
    if (failed != null) {
      return unavailable(failed);
    }
    return new VideoSupport(List.of(VP8), FfmpegNatives.encodesVp8() ? List.of(VP8) : List.of(), null);
  }

  /** Whether a probe found video here (never probes: safe wherever, e.g. for a metrics scrape). */
  static boolean loaded() {
    VideoSupport support = probed;
    return support != null && support.available();
  }

  public boolean available() {
    return unavailable == null;
  }

  /** {@code hello}'s {@code video}: {@code {"decode":[...],"encode":[...]}}, with {@code "unavailable"} when none. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("decode", new JsonArray(decode)).put("encode", new JsonArray(encode));
    return unavailable == null ? json : json.put("unavailable", unavailable);
  }
}
