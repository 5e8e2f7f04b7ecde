package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.image.NativeMats;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/** Canny edge detection: white edges on black, one channel. */
public final class CannyOp extends OutputMatOp {

  private final double low;
  private final double high;
  private final Mat gray = NativeMats.create();

  CannyOp(double low, double high) {
    this.low = low;
    this.high = high;
  }

  @Override
  public Mat apply(Mat image) {
    Imgproc.Canny(gray(image, gray), out, low, high);
    return out;
  }

  @Override
  public void close() {
    super.close();
    NativeMats.release(gray);
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

    @Override
    public FrameOp create(JsonObject params) {
      return new CannyOp(params.getDouble("low"), params.getDouble("high"));
    }
  }
}
