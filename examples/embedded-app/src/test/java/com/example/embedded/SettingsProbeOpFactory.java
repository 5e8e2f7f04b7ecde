package com.example.embedded;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A class-path plug-in (listed in {@code META-INF/services}) that keeps the settings FrameLoop
 * configured it with, to show what every plug-in sees. Its op leaves the image as it is.
 */
public final class SettingsProbeOpFactory extends SimpleOpFactory {

  /** The settings the latest instance was configured with. */
  static final AtomicReference<JsonObject> CONFIGURED_WITH = new AtomicReference<>();

  public SettingsProbeOpFactory() {
    super("settings-probe", "the example's test plug-in: keeps its settings, leaves the image as it is");
  }

  @Override
  public void configure(JsonObject settings) {
    CONFIGURED_WITH.set(settings.copy());
  }

  @Override
  public FrameOp create(JsonObject params) {
    return image -> image;
  }
}
