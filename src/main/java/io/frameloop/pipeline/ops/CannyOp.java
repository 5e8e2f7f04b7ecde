package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.frameloop.pipeline.CostModel;
import io.vertx.core.json.JsonObject;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/** Canny edge detection: white edges on black, one channel. */
public final class CannyOp extends OutputMatOp {

  private final double low;
  private final double high;

  CannyOp(OpContext context, double low, double high) {
    super(context);
    this.low = low;
    this.high = high;
  }

  @Override
  public Mat apply(Mat image) {
    Mat out = output(image);
    Imgproc.Canny(gray(image, context.scratch(0)), out, low, high);
    return out;
  }

  public static final class Factory extends SimpleOpFactory {
    public Factory() {
      super("canny", "Canny edge detector: white edges on black",
        OpParam.numberParam("low", 50, 0, 1000, "lower hysteresis threshold"),
        OpParam.numberParam("high", 150, 0, 1000, "upper hysteresis threshold"));
    }

    @Override
    public void validate(JsonObject params) {
      if (params.getDouble("low") > params.getDouble("high")) {
        throw new IllegalArgumentException("'low' (" + params.getDouble("low") + ") must not exceed 'high' ("
          + params.getDouble("high") + ")");
      }
    }

    /** 2.9 to 5 ms per megapixel measured (OpCosts). */
    @Override
    public double costMs(JsonObject params, int width, int height) {
      return 5 * CostModel.megapixels(width, height);
    }

    @Override
    public FrameOp create(JsonObject params, OpContext context) {
      return new CannyOp(context, params.getDouble("low"), params.getDouble("high"));
    }
  }
}
