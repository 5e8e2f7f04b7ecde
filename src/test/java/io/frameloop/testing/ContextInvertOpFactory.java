package io.frameloop.testing;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/** The README's plug-in, written against the context: inverts every pixel into the worker's output image. */
public final class ContextInvertOpFactory extends SimpleOpFactory {

  public ContextInvertOpFactory(String name) {
    super(name, "Invert every pixel into the worker's output (a test plug-in)");
  }

  @Override
  public FrameOp create(JsonObject params, OpContext context) {
    return image -> {
      Mat out = context.output(image);
      Core.bitwise_not(image, out);
      return out;
    };
  }
}
