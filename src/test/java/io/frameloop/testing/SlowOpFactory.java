package io.frameloop.testing;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;

/** A plug-in op that takes as long as it is told (a user's slow op): for tests of dispatch and deadlines. */
public final class SlowOpFactory extends SimpleOpFactory {

  public SlowOpFactory() {
    super("slow", "Waits 'ms' milliseconds, then passes the image on",
      OpParam.intParam("ms", 1000, 1, 20_000, "how long the op takes"));
  }

  @Override
  public FrameOp create(JsonObject params) {
    long ms = params.getInteger("ms");
    return image -> {
      try {
        Thread.sleep(ms); // a worker thread: blocking here is what a slow op does
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return image;
    };
  }
}
