package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.FrameOpFactory;
import io.frameloop.pipeline.OpParam;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.opencv.core.Mat;

/** Converts to one grey channel (the reply is a greyscale JPEG, a third of the pixel data). */
public final class GrayOp extends OutputMatOp {

  @Override
  public Mat apply(Mat image) {
    return gray(image, out);
  }

  public static final class Factory implements FrameOpFactory {
    @Override
    public String name() {
      return "gray";
    }

    @Override
    public String description() {
      return "Convert to greyscale";
    }

    @Override
    public List<OpParam> params() {
      return List.of();
    }

    @Override
    public FrameOp create(JsonObject params) {
      return new GrayOp();
    }
  }
}
