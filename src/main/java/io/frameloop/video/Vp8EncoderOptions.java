package io.frameloop.video;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * How a {@link Vp8Encoder} encodes: realtime libvpx on one thread (two threads on a busy core made
 * it 17 times slower), a high {@code cpu-used}, and intra frames capped so that a key frame stays a
 * few times a delta's size (FFmpeg's default first key frame was 122 KB, capped 5 KB).
 */
@DataObject
@JsonGen(publicConverter = true)
public class Vp8EncoderOptions {

  public static final int DEFAULT_BITRATE = 1_000_000;
  /** libvpx's speed for VP8 realtime: 15 took 2.3 ms for 640x480 at 38.5 dB, 8 took 6.5 ms. */
  public static final int DEFAULT_CPU_USED = 15;
  /** A key frame at most 3 times a delta's share of the bitrate. */
  public static final int DEFAULT_MAX_INTRA_RATE = 300;
  public static final int DEFAULT_FRAME_RATE = 30;

  private int bitrate = DEFAULT_BITRATE;
  private int cpuUsed = DEFAULT_CPU_USED;
  private int maxIntraRate = DEFAULT_MAX_INTRA_RATE;
  private int frameRate = DEFAULT_FRAME_RATE;

  public Vp8EncoderOptions() {
  }

  public Vp8EncoderOptions(Vp8EncoderOptions other) {
    this(other.toJson());
  }

  /** @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range */
  public Vp8EncoderOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), Vp8EncoderOptionsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    Vp8EncoderOptionsConverter.toJson(this, json);
    return json;
  }

  public int getBitrate() {
    return bitrate;
  }

  /** Target bits per second. */
  public Vp8EncoderOptions setBitrate(int bitrate) {
    this.bitrate = Ranges.atLeast("bitrate", bitrate, 10_000);
    return this;
  }

  public int getCpuUsed() {
    return cpuUsed;
  }

  /** libvpx's {@code cpu-used}, 0 (slowest, best) to 16 (fastest). */
  public Vp8EncoderOptions setCpuUsed(int cpuUsed) {
    this.cpuUsed = Ranges.between("cpuUsed", cpuUsed, 0, 16);
    return this;
  }

  public int getMaxIntraRate() {
    return maxIntraRate;
  }

  /** The largest intra (key) frame, in percent of a frame's share of the bitrate. */
  public Vp8EncoderOptions setMaxIntraRate(int maxIntraRate) {
    this.maxIntraRate = Ranges.atLeast("maxIntraRate", maxIntraRate, 100);
    return this;
  }

  public int getFrameRate() {
    return frameRate;
  }

  /** Frames per second, for the rate control. */
  public Vp8EncoderOptions setFrameRate(int frameRate) {
    this.frameRate = Ranges.between("frameRate", frameRate, 1, 240);
    return this;
  }
}
