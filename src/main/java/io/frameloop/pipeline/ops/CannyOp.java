package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.FrameOpFactory;
import io.frameloop.pipeline.NativeMats;
import io.frameloop.pipeline.OpParam;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/** Canny edge detection: white edges on black, one channel. */
public final class CannyOp implements FrameOp {

  private final double low;
  private final double high;
  private final Mat gray = NativeMats.create();
  private final Mat edges = NativeMats.create();

  CannyOp(double low, double high) {
    this.low = low;
    this.high = high;
  }

  @Override
  public Mat apply(Mat image) {
    Mat input = image;
    if (image.channels() == 3) {
      Imgproc.cvtColor(image, gray, Imgproc.COLOR_BGR2GRAY);
      input = gray;
    }
    Imgproc.Canny(input, edges, low, high);
    return edges;
  }

  @Override
  public void close() {
    NativeMats.release(gray);
    NativeMats.release(edges);
  }

  public static final class Factory implements FrameOpFactory {
    @Override
    public String name() {
      return "canny";
    }

    @Override
    public String description() {
      return "Canny edge detector: white edges on black";
    }

    @Override
    public List<OpParam> params() {
      return List.of(
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
