package io.frameloop.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a session's processed frames are answered with (the pipeline's {@code reply}): the image,
 * the results the ops reported (no encode at all), or the results then the image.
 */
public enum ReplyMode {
  IMAGE, RESULTS, BOTH;

  /** The names clients send, in this order. */
  public static final List<String> NAMES = Arrays.stream(values()).map(ReplyMode::jsonName).toList();

  /** {@code image}, {@code results} or {@code both}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the client gets a {@code results} message for each processed frame. */
  public boolean sendsResults() {
    return this != IMAGE;
  }

  /** Whether the client gets the processed image (so the worker encodes it). */
  public boolean sendsImage() {
    return this != RESULTS;
  }

  /** The mode of this name. */
  public static ReplyMode of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
