package io.frameloop.pipeline;

import io.vertx.core.json.JsonObject;

/**
 * The settings ops are configured with ({@link FrameOpFactory#configure}): the server's
 * configuration as flat keys ({@code faceCascade}, {@code faceModel}, {@code maxWidth}...),
 * without its secrets. Get them from {@code FrameLoopOptions.opSettings()}, which leaves the
 * secrets out; each plug-in gets its own copy.
 */
public final class OpSettings {

  private final JsonObject settings;

  private OpSettings(JsonObject settings) {
    this.settings = settings;
  }

  /** No settings: every op with its own defaults (the cascade Debian installs, the BlazeFace model of the runnable jar). */
  public static OpSettings none() {
    return new OpSettings(new JsonObject());
  }

  /** These settings, as given (a copy). Leave out what ops should not see: they all see everything here. */
  public static OpSettings of(JsonObject settings) {
    return new OpSettings(settings.copy());
  }

  /** A copy of the settings, for one op's {@code configure}. */
  public JsonObject toJson() {
    return settings.copy();
  }
}
