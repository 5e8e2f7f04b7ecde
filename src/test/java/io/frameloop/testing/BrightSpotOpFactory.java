package io.frameloop.testing;

import io.frameloop.pipeline.Detection;
import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.FrameResults;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/** The README's plug-in that reports results: the brightest spot as a detection, the mean brightness as its own object. */
public final class BrightSpotOpFactory extends SimpleOpFactory {

  public BrightSpotOpFactory() {
    super("brightspot", "Report the brightest spot and the mean brightness; the image is unchanged");
  }

  @Override
  public FrameOp create(JsonObject params, OpContext context) {
    return image -> {
      Mat gray = image;
      if (image.channels() != 1) {
        gray = context.scratch(0);
        Imgproc.cvtColor(image, gray, Imgproc.COLOR_BGR2GRAY);
      }
      Core.MinMaxLocResult spot = Core.minMaxLoc(gray);
      // In the pixels of the image this op gets: the server maps them to the frame the client sent.
      FrameResults results = context.results();
      results.add(new Detection("spot", 1, spot.maxLoc.x - 8, spot.maxLoc.y - 8, 16, 16));
      results.put(new JsonObject().put("meanBrightness", Math.round(Core.mean(gray).val[0])));
      return image;
    };
  }
}
