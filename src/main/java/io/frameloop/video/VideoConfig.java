package io.frameloop.video;

import io.frameloop.pipeline.ImageLimits;
import io.vertx.core.json.JsonObject;

/**
 * A session's video stream as its {@code video} message declares it: the codec, the coded size
 * and the colour space. Checked against the server's image limits before any chunk is decoded.
 */
public record VideoConfig(String codec, int width, int height, ColorSpace colorSpace) {

  /**
   * From a {@code video} message.
   *
   * @param support what this server decodes
   * @throws VideoConfigException saying what is wrong (unknown codec, size over the limits, video unavailable)
   */
  public static VideoConfig fromJson(JsonObject message, ImageLimits limits, VideoSupport support) {
    if (support.unavailable() != null) {
      throw new VideoConfigException("video unavailable on this server: " + support.unavailable() + "; send JPEG frames");
    }
    Object codec = message.getValue("codec");
    if (!(codec instanceof String name) || !support.decode().contains(name)) {
      throw new VideoConfigException("video: codec " + (codec == null ? "(missing)" : "'" + codec + "'")
        + " is not one this server decodes; hello's video.decode lists them: " + support.decode());
    }
    int width = size(message, "width");
    int height = size(message, "height");
    if (!limits.allows(width, height)) {
      throw new VideoConfigException("video: " + width + "x" + height + " is over the image limits of " + limits.describe());
    }
    return new VideoConfig(name, width, height, ColorSpace.fromJson(message.getValue("colorSpace")));
  }

  private static int size(JsonObject message, String key) {
    Object value = message.getValue(key);
    if (value instanceof Integer size && size > 0) {
      return size;
    }
    if (value instanceof Long || value instanceof Integer) {
      throw new VideoConfigException("video: '" + key + "' must be a positive integer, got " + value);
    }
    throw new VideoConfigException("video: '" + key + "' must be a positive integer (the coded size), got " + value);
  }

  /** The normalized echo: every field, the colour space's with its defaults filled in. */
  public JsonObject toJson() {
    return new JsonObject().put("codec", codec).put("width", width).put("height", height)
      .put("colorSpace", colorSpace.toJson());
  }

  /**
   * The largest chunk of this stream accepted: the raw I420 size of its picture (a VP8 frame is
   * never larger in practice), at least 64 KiB.
   */
  public int maxChunkBytes() {
    return (int) Math.max(64 * 1024, Math.min(Integer.MAX_VALUE, (long) width * height * 3 / 2));
  }
}
