package io.frameloop.testing;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.FrameOpFactory;
import io.frameloop.image.NativeMats;
import io.frameloop.pipeline.OpParam;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * A user's plug-in op, as a user would write one: inverts the image. Found by ServiceLoader as
 * "invert" (see META-INF/services), or registered in code under another name.
 */
public final class InvertOpFactory implements FrameOpFactory {

  private final String name;

  public InvertOpFactory() {
    this("invert");
  }

  public InvertOpFactory(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "Invert every pixel (a test plug-in)";
  }

  @Override
  public List<OpParam> params() {
    return List.of();
  }

  @Override
  public FrameOp create(JsonObject params) {
    return new FrameOp() {
      private final Mat out = NativeMats.create();

      @Override
      public Mat apply(Mat image) {
        Core.bitwise_not(image, out);
        return out;
      }

      @Override
      public void close() {
        NativeMats.release(out);
      }
    };
  }
}
