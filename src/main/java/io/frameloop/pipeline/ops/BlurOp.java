package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.frameloop.pipeline.CostModel;
import io.vertx.core.json.JsonObject;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Gaussian blur with a square kernel. */
public final class BlurOp extends OutputMatOp {

  private final Size kernel;

  BlurOp(OpContext context, int kernelSize) {
    super(context);
    this.kernel = new Size(kernelSize, kernelSize);
  }

  @Override
  public Mat apply(Mat image) {
    Mat out = output(image);
    Imgproc.GaussianBlur(image, out, kernel, 0);
    return out;
  }

  public static final class Factory extends SimpleOpFactory {
    public Factory() {
      super("blur", "Gaussian blur", OpParam.intParam("kernel", 9, 1, 99, "kernel size in pixels, an odd number"));
    }

    @Override
    public void validate(JsonObject params) {
      if (params.getInteger("kernel") % 2 == 0) {
        throw new IllegalArgumentException("parameter 'kernel' must be odd, got " + params.getInteger("kernel"));
      }
    }

    /**
     * Grows with the kernel: 1.1, 2.6, 9 to 13 and 45 to 73 ms per megapixel for kernels 3, 9, 31 and
     * 99 measured (OpCosts); 0.5 + 0.6 per kernel pixel.
     */
    @Override
    public double costMs(JsonObject params, int width, int height) {
      return (0.5 + 0.6 * params.getInteger("kernel")) * CostModel.megapixels(width, height);
    }

    @Override
    public FrameOp create(JsonObject params, OpContext context) {
      return new BlurOp(context, params.getInteger("kernel"));
    }
  }
}
