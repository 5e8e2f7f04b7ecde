package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.SimpleOpFactory;
import io.frameloop.pipeline.CostModel;
import io.vertx.core.json.JsonObject;
import org.opencv.core.Mat;

/** Converts to one grey channel (the reply is a greyscale JPEG, a third of the pixel data). */
public final class GrayOp extends OutputMatOp {

  GrayOp(OpContext context) {
    super(context);
  }

  @Override
  public Mat apply(Mat image) {
    return gray(image, output(image));
  }

  public static final class Factory extends SimpleOpFactory {
    public Factory() {
      super("gray", "Convert to greyscale");
    }

    /** 0.6 ms per megapixel measured (OpCosts). */
    @Override
    public double costMs(JsonObject params, int width, int height) {
      return 0.8 * CostModel.megapixels(width, height);
    }

    @Override
    public FrameOp create(JsonObject params, OpContext context) {
      return new GrayOp(context);
    }
  }
}
