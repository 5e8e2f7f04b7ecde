package io.frameloop.endtoend.embedding;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.FrameOpFactory;
import io.frameloop.pipeline.OpParam;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A class-path plug-in that keeps every settings object its {@code configure} is given, so that a
 * test can see what a third-party op would. Listed in a services file of the test's own making
 * (see {@link OpSettingsTest}), not in the project's: other tests never meet it.
 */
public final class SettingsProbeOpFactory implements FrameOpFactory {

  static final List<JsonObject> CONFIGURED_WITH = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "settingsprobe";
  }

  @Override
  public String description() {
    return "Keeps what it is configured with (a test plug-in)";
  }

  @Override
  public List<OpParam> params() {
    return List.of();
  }

  @Override
  public void configure(JsonObject settings) {
    CONFIGURED_WITH.add(settings.copy());
  }

  @Override
  public FrameOp create(JsonObject params) {
    return image -> image;
  }
}
