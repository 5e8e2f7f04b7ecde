package io.frameloop.testing;

import io.frameloop.pipeline.Detection;
import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.FrameResults;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A test plug-in that reports as much as it is told to: {@code detections} boxes, each the centre
 * quarter of the image it is given (label {@code "centre"}, score 0.5), and its own object
 * {@code {"seen":[width,height],"pad":"xxx..."}} with {@code padBytes} characters of padding. The
 * image is not changed.
 */
public final class ReportingOpFactory extends SimpleOpFactory {

  public ReportingOpFactory() {
    super("report", "Reports boxes and an object of its own (a test plug-in)",
      OpParam.intParam("detections", 1, 0, 1000, "boxes to report"),
      OpParam.intParam("padBytes", 0, 0, 100_000, "characters of padding in the object"));
  }

  @Override
  public FrameOp create(JsonObject params, OpContext context) {
    int detections = params.getInteger("detections");
    String pad = "x".repeat(params.getInteger("padBytes"));
    return image -> {
      FrameResults results = context.results();
      for (int i = 0; i < detections; i++) {
        results.add(new Detection("centre", 0.5, image.cols() / 4.0, image.rows() / 4.0, image.cols() / 2.0, image.rows() / 2.0));
      }
      results.put(new JsonObject().put("seen", new JsonArray().add(image.cols()).add(image.rows())).put("pad", pad));
      return image;
    };
  }
}
