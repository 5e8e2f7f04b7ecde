package io.frameloop.pipeline.ops;

import io.frameloop.image.NativeMats;
import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.frameloop.pipeline.ops.faces.DetectedFace;
import io.frameloop.pipeline.ops.faces.FaceDetector;
import io.frameloop.pipeline.ops.faces.FaceModels;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Blurs or pixelates every face the {@code faces} op's detector finds, in place: each box grown by
 * {@code padding} percent of its size on every side and clamped to the frame. Nothing outside those
 * regions changes. At most {@value FacesOp#MAX_FACES} faces; each is reported as the {@code faces} op
 * reports it (box and score, no keypoints: the box found, not the padded region).
 */
public final class AnonymizeOp implements FrameOp {

  public static final int MAX_PADDING = 100;
  /** A pixelated face is this many blocks across its long side: too coarse to recognize. */
  static final int PIXEL_BLOCKS = 8;

  private final FaceDetector detector;
  private final OpContext context;
  private final boolean pixelate;
  private final double padding;

  AnonymizeOp(FaceDetector detector, OpContext context, boolean pixelate, int paddingPercent) {
    this.detector = detector;
    this.context = context;
    this.pixelate = pixelate;
    this.padding = paddingPercent / 100.0;
  }

  @Override
  public Mat apply(Mat image) {
    List<DetectedFace> faces = detector.detect(image);
    FacesOp.report(context.results(), faces, false);
    for (DetectedFace face : faces.subList(0, Math.min(faces.size(), FacesOp.MAX_FACES))) {
      Rect region = padded(face, padding, image.cols(), image.rows());
      if (region.width < 2 || region.height < 2) {
        continue;
      }
      Mat roi = NativeMats.track(image.submat(region));
      try {
        if (pixelate) {
          pixelate(roi);
        } else {
          blur(roi);
        }
      } finally {
        NativeMats.release(roi);
      }
    }
    return image;
  }

  /**
   * Stack blur, whose cost per pixel does not grow with the kernel (half the face's size), on a
   * copy: OpenCV 4.9's stackBlur spills over the rows of a region's parent image when given the region.
   */
  private void blur(Mat roi) {
    int kernel = Math.max(3, Math.max(roi.cols(), roi.rows()) / 2) | 1;
    Mat copy = context.scratch(0);
    roi.copyTo(copy);
    Mat blurred = context.scratch(1);
    Imgproc.stackBlur(copy, blurred, new Size(kernel, kernel));
    blurred.copyTo(roi);
  }

  private void pixelate(Mat roi) {
    double scale = (double) PIXEL_BLOCKS / Math.max(roi.cols(), roi.rows());
    Mat blocks = context.scratch(0);
    Imgproc.resize(roi, blocks, new Size(Math.max(1, Math.round(roi.cols() * scale)), Math.max(1, Math.round(roi.rows() * scale))),
      0, 0, Imgproc.INTER_AREA);
    // Same size and type as the region: resize writes into the frame's pixels, not a new Mat.
    Imgproc.resize(blocks, roi, roi.size(), 0, 0, Imgproc.INTER_NEAREST);
  }

  /** {@code face} grown by {@code padding} of its width and height on each side, within {@code width x height}. */
  static Rect padded(DetectedFace face, double padding, int width, int height) {
    int x0 = (int) Math.max(0, Math.floor(face.x() - face.width() * padding));
    int y0 = (int) Math.max(0, Math.floor(face.y() - face.height() * padding));
    int x1 = (int) Math.min(width, Math.ceil(face.x() + face.width() * (1 + padding)));
    int y1 = (int) Math.min(height, Math.ceil(face.y() + face.height() * (1 + padding)));
    return new Rect(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  }

  public static final class Factory extends SimpleOpFactory {

    private final FacesOp.Factory faces = new FacesOp.Factory();

    public Factory() {
      super("anonymize", "Blur or pixelate every face (the faces op's detectors); nothing outside the padded faces changes",
        Stream.concat(FaceModels.PARAMS.stream(), Stream.of(
          OpParam.choiceParam("style", "blur", List.of("blur", "pixelate"), "how faces are hidden"),
          OpParam.intParam("padding", 15, 0, MAX_PADDING, "percent of the face's size added on each side"))).toArray(OpParam[]::new));
    }

    @Override
    public void configure(JsonObject settings) {
      faces.configure(settings);
    }

    @Override
    public Optional<String> unavailableReason() {
      return faces.unavailableReason();
    }

    @Override
    public JsonObject details() {
      return faces.details();
    }

    @Override
    public void validate(JsonObject params) {
      faces.validate(params);
    }

    /** The chosen model's parameters only, with {@code style} and {@code padding}. */
    @Override
    public JsonObject normalize(JsonObject params) {
      return faces.models().normalize(params);
    }

    /** The detection's, and a little for hiding the faces. */
    @Override
    public double costMs(JsonObject params, int width, int height) {
      return FacesOp.detectionCostMs(params, width, height) + 1;
    }

    @Override
    public FrameOp create(JsonObject params, OpContext context) {
      return new AnonymizeOp(faces.models().detector(params, context), context, params.getString("style").equals("pixelate"),
        params.getInteger("padding"));
    }
  }
}
