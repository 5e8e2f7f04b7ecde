package io.frameloop.video;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The colour space of a video stream's pictures, in WebCodecs' {@code VideoColorSpaceInit} names.
 * VP8 carries none, so the client sends it beside the stream; the matrix and the range decide how
 * YUV becomes BGR (primaries and transfer are echoed, not converted, so any short name is taken).
 */
public record ColorSpace(String primaries, String transfer, String matrix, boolean fullRange) {

  /** VP8's own assumption when the client sends none: BT.601, limited range. */
  public static final ColorSpace VP8_DEFAULT = new ColorSpace("smpte170m", "smpte170m", "smpte170m", false);

  /** An echoed name (primaries, transfer): short, of the characters WebCodecs' and Chromium's names use. */
  static final Pattern ECHOED_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
  /** The YUV matrices this server converts ({@code rgb}, no matrix, is no VP8 stream's). */
  static final List<String> MATRICES = List.of("bt709", "bt470bg", "smpte170m", "bt2020-ncl");

  /**
   * From a {@code colorSpace} object; a missing field takes {@link #VP8_DEFAULT}'s.
   *
   * @throws VideoConfigException naming the field
   */
  static ColorSpace fromJson(Object value) {
    if (value == null) {
      return VP8_DEFAULT;
    }
    if (!(value instanceof JsonObject json)) {
      throw new VideoConfigException("video: 'colorSpace' must be an object like {\"matrix\":\"bt709\",\"fullRange\":true}");
    }
    // Only echoed, so a browser's newer or rarer names pass: refusing them would make a client fall back to JPEG.
    String primaries = echoedName(json, "primaries", VP8_DEFAULT.primaries);
    String transfer = echoedName(json, "transfer", VP8_DEFAULT.transfer);
    String matrix = name(json, "matrix", VP8_DEFAULT.matrix, MATRICES);
    Object fullRange = json.getValue("fullRange", VP8_DEFAULT.fullRange);
    if (!(fullRange instanceof Boolean full)) {
      throw new VideoConfigException("video: colorSpace.fullRange must be true or false, got " + fullRange);
    }
    return new ColorSpace(primaries, transfer, matrix, full);
  }

  private static String echoedName(JsonObject json, String key, String fallback) {
    Object value = json.getValue(key, fallback);
    if (!(value instanceof String name) || !ECHOED_NAME.matcher(name).matches()) {
      String shown = value instanceof String text ? "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'" : String.valueOf(value);
      throw new VideoConfigException("video: colorSpace." + key + " " + shown + " is no colour space name (up to 32 of a-z, 0-9,"
        + " '.', '_', '-', such as WebCodecs' \"bt709\" or \"iec61966-2-1\")");
    }
    return name;
  }

  private static String name(JsonObject json, String key, String fallback, List<String> known) {
    Object value = json.getValue(key, fallback);
    if (!(value instanceof String name) || !known.contains(name)) {
      throw new VideoConfigException("video: colorSpace." + key + " " + (value instanceof String ? "'" + value + "'" : value)
        + " is not one this server converts; known: " + String.join(", ", known));
    }
    return name;
  }

  public JsonObject toJson() {
    return new JsonObject().put("primaries", primaries).put("transfer", transfer).put("matrix", matrix)
      .put("fullRange", fullRange);
  }
}
