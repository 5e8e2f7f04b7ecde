package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.ImageSize;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.frameloop.pipeline.CostModel;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Scales to a width and/or height, keeping the aspect ratio (both given: fit inside the box). */
public final class ResizeOp extends OutputMatOp {

  public static final int MAX_SIDE = 8192;

  private final Integer width;
  private final Integer height;

  ResizeOp(OpContext context, Integer width, Integer height) {
    super(context);
    this.width = width;
    this.height = height;
  }

  @Override
  public Mat apply(Mat image) {
    Size target = targetSize(width, height, image.cols(), image.rows());
    if (target.width == image.cols() && target.height == image.rows()) {
      return image;
    }
    // INTER_AREA avoids aliasing when shrinking; INTER_LINEAR is the usual choice for enlarging.
    int interpolation = target.width < image.cols() ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR;
    Mat out = output(image);
    Imgproc.resize(image, out, target, 0, 0, interpolation);
    return out;
  }

  /** The size {@code resize} with these parameters gives a {@code cols x rows} image. */
  public static Size targetSize(Integer width, Integer height, int cols, int rows) {
    double scale;
    if (width != null && height != null) {
      scale = Math.min((double) width / cols, (double) height / rows);
    } else if (width != null) {
      scale = (double) width / cols;
    } else {
      scale = (double) height / rows;
    }
    return new Size(Math.max(1, Math.round(cols * scale)), Math.max(1, Math.round(rows * scale)));
  }

  public static final class Factory extends SimpleOpFactory {
    public Factory() {
      super("resize", "Scale to a width and/or height in pixels, keeping the aspect ratio",
        OpParam.intParam("width", null, 1, MAX_SIDE, "target width; height follows the aspect ratio"),
        OpParam.intParam("height", null, 1, MAX_SIDE, "target height; width follows the aspect ratio"));
    }

    @Override
    public void validate(JsonObject params) {
      if (!params.containsKey("width") && !params.containsKey("height")) {
        throw new IllegalArgumentException("give 'width', 'height' or both");
      }
    }

    /** The target size: when it is smaller than the image, the worker decodes the JPEG reduced. */
    @Override
    public Optional<ImageSize> smallestInput(JsonObject params, int width, int height) {
      return Optional.of(outputSize(params, width, height));
    }

    /** The target size, each side at most {@code Integer.MAX_VALUE}: the worker checks it against the limits. */
    @Override
    public ImageSize outputSize(JsonObject params, int width, int height) {
      Size target = targetSize(params.getInteger("width"), params.getInteger("height"), width, height);
      return new ImageSize((int) Math.min(target.width, Integer.MAX_VALUE), (int) Math.min(target.height, Integer.MAX_VALUE));
    }

    /** About 1 ms per megapixel of the larger of input and output measured (OpCosts). */
    @Override
    public double costMs(JsonObject params, int width, int height) {
      ImageSize output = outputSize(params, width, height);
      return 1.2 * Math.max(CostModel.megapixels(width, height), CostModel.megapixels(output.width(), output.height()));
    }

    @Override
    public FrameOp create(JsonObject params, OpContext context) {
      return new ResizeOp(context, params.getInteger("width"), params.getInteger("height"));
    }
  }
}
