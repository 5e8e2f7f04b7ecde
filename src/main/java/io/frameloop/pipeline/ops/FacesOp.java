package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.CostModel;
import io.frameloop.pipeline.Detection;
import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.FrameResults;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.frameloop.pipeline.ops.faces.DetectedFace;
import io.frameloop.pipeline.ops.faces.FaceDetector;
import io.frameloop.pipeline.ops.faces.FaceModels;
import io.frameloop.pipeline.ops.faces.HaarDetector;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Face detection with BlazeFace (a neural network on ONNX Runtime) or a Haar cascade; draws a green
 * rectangle around each face, and BlazeFace's 6 keypoints when asked, in place, and reports each face
 * as a result ({@link #report}). At most {@value #MAX_FACES} faces are drawn and reported.
 */
public final class FacesOp implements FrameOp {

  /** Faces drawn (or anonymized) at most, the best or largest first. */
  static final int MAX_FACES = 32;

  private static final String KEYPOINTS = "keypoints";
  private static final Scalar GREEN = new Scalar(0, 255, 0);
  private static final Scalar RED = new Scalar(0, 0, 255);

  private final FaceDetector detector;
  private final OpContext context;
  private final boolean keypoints;

  FacesOp(FaceDetector detector, OpContext context, boolean keypoints) {
    this.detector = detector;
    this.context = context;
    this.keypoints = keypoints;
  }

  @Override
  public Mat apply(Mat image) {
    List<DetectedFace> faces = detector.detect(image);
    report(context.results(), faces, keypoints);
    int thickness = Math.max(2, Math.max(image.cols(), image.rows()) / 320);
    for (DetectedFace face : faces.subList(0, Math.min(faces.size(), MAX_FACES))) {
      Imgproc.rectangle(image, new Point(face.x(), face.y()), new Point(face.x() + face.width(), face.y() + face.height()),
        GREEN, thickness);
      for (int k = 0; keypoints && k + 1 < face.keypoints().length; k += 2) {
        Imgproc.circle(image, new Point(face.keypoints()[k], face.keypoints()[k + 1]), thickness + 1, RED, Imgproc.FILLED);
      }
    }
    return image;
  }

  /**
   * Reports the faces (at most {@value #MAX_FACES}) as detections labelled {@code face}: the box,
   * the detector's score (BlazeFace's confidence; the Haar cascade has none and reports 1) and, when
   * {@code keypoints}, BlazeFace's 6 points (eyes, nose, mouth, ears; Haar has none).
   */
  static void report(FrameResults results, List<DetectedFace> faces, boolean keypoints) {
    for (DetectedFace face : faces.subList(0, Math.min(faces.size(), MAX_FACES))) {
      results.add(new Detection("face", Math.max(0, Math.min(1, face.score())), face.x(), face.y(), face.width(), face.height(),
        keypoints ? face.keypoints() : null));
    }
  }

  /**
   * A detection's cost. The cascade searches a copy of at most {@value HaarDetector#MAX_DETECTION_SIDE}
   * pixels a side (66 to 79 ms from 640x480 to 4096x2025 measured by OpCosts: about 230 ms per megapixel
   * searched, and the copy); BlazeFace runs on a fixed-size input (3 to 19 ms).
   */
  static double detectionCostMs(JsonObject params, int width, int height) {
    double megapixels = CostModel.megapixels(width, height);
    if (FaceModels.BLAZEFACE.equals(params.getString("model"))) {
      return 4 + 2 * megapixels;
    }
    double scale = Math.min(1, HaarDetector.MAX_DETECTION_SIDE / (double) Math.max(width, height));
    return 2 + 230 * megapixels * scale * scale + 3 * megapixels;
  }

  public static final class Factory extends SimpleOpFactory {

    // Set at start-up by configure, before the registry publishes the factory to the workers.
    private volatile FaceModels models;

    public Factory() {
      super("faces", "Detect faces (BlazeFace neural network, or a Haar cascade), draw a rectangle around each and report them",
        Stream.concat(FaceModels.PARAMS.stream(), Stream.of(
          OpParam.booleanParam(KEYPOINTS, false, "blazeface: also draw and report the eyes, nose, mouth and ears"))).toArray(OpParam[]::new));
    }

    @Override
    public void configure(JsonObject settings) {
      models = FaceModels.configure(settings);
    }

    /** The models with the default settings when the factory was not configured (registered in code). */
    FaceModels models() {
      if (models == null) {
        models = FaceModels.configure(new JsonObject());
      }
      return models;
    }

    @Override
    public Optional<String> unavailableReason() {
      return models().unavailableReason();
    }

    @Override
    public JsonObject details() {
      return models().describe();
    }

    @Override
    public void validate(JsonObject params) {
      models().validate(params);
    }

    /** The chosen model's parameters only; {@code keypoints} is BlazeFace's. */
    @Override
    public JsonObject normalize(JsonObject params) {
      JsonObject kept = models().normalize(params);
      if (!FaceModels.BLAZEFACE.equals(kept.getString("model"))) {
        kept.remove(KEYPOINTS);
      }
      return kept;
    }

    @Override
    public double costMs(JsonObject params, int width, int height) {
      return detectionCostMs(params, width, height);
    }

    @Override
    public FrameOp create(JsonObject params, OpContext context) {
      return new FacesOp(models().detector(params, context), context, params.getBoolean(KEYPOINTS, false));
    }
  }
}
