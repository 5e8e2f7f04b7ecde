package io.frameloop.pipeline;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * The largest image a worker will decode, checked against the JPEG header before decoding, and the
 * largest a pipeline may make of it (every intermediate and output image). Part of
 * {@code FrameLoopOptions}; the JSON names are the configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class ImageLimits {

  public static final int DEFAULT_MAX_WIDTH = 4096;
  public static final int DEFAULT_MAX_HEIGHT = 4096;
  /** 3840x2160, a 4K UHD frame. */
  public static final long DEFAULT_MAX_PIXELS = 3840L * 2160;

  private int maxWidth = DEFAULT_MAX_WIDTH;
  private int maxHeight = DEFAULT_MAX_HEIGHT;
  private long maxPixels = DEFAULT_MAX_PIXELS;

  public ImageLimits() {
  }

  public ImageLimits(ImageLimits other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public ImageLimits(JsonObject json) {
    ConfigValues.read(json, toJson(), ImageLimitsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ImageLimitsConverter.toJson(this, json);
    return json;
  }

  public int getMaxWidth() {
    return maxWidth;
  }

  public ImageLimits setMaxWidth(int maxWidth) {
    this.maxWidth = Ranges.atLeast("maxWidth", maxWidth, 1);
    return this;
  }

  public int getMaxHeight() {
    return maxHeight;
  }

  public ImageLimits setMaxHeight(int maxHeight) {
    this.maxHeight = Ranges.atLeast("maxHeight", maxHeight, 1);
    return this;
  }

  public long getMaxPixels() {
    return maxPixels;
  }

  /** Width times height; lets a server take tall or wide images without taking large square ones. */
  public ImageLimits setMaxPixels(long maxPixels) {
    this.maxPixels = Ranges.atLeast("maxPixels", maxPixels, 1);
    return this;
  }

  /** Whether a {@code width x height} image is within the limits. */
  public boolean allows(int width, int height) {
    return width <= maxWidth && height <= maxHeight && (long) width * height <= maxPixels;
  }

  /** The limits as error messages name them: {@code 4096x4096 and 8294400 pixels}. */
  public String describe() {
    return maxWidth + "x" + maxHeight + " and " + maxPixels + " pixels";
  }
}
