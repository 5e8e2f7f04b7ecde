package io.frameloop.pipeline.ops;

import io.frameloop.image.NativeMats;
import io.frameloop.pipeline.FrameOp;
import io.frameloop.pipeline.OpContext;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.opencv.core.Mat;
import org.opencv.core.MatOfRect;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Haar-cascade face detection; draws a green rectangle around each face, in place. Its cost is
 * bounded whatever the parameters and the frame: it detects on a grey copy whose long side is at
 * most {@value #MAX_DETECTION_SIDE} pixels (rectangles scaled back), with a scale step of at least
 * {@value #MIN_SCALE_FACTOR} and at least one neighbour, and draws at most {@value #MAX_FACES} faces.
 */
public final class FacesOp implements FrameOp {

  /** The detection copy's long side: Haar detection's cost grows with its pixels times its scales. */
  static final int MAX_DETECTION_SIDE = 640;
  /** The smallest face looked for in the detection copy: the frontal face cascades' own window, 24x24. */
  static final int MIN_DETECTION_FACE = 24;
  static final double MIN_SCALE_FACTOR = 1.05;
  /** Faces drawn at most, the largest first. */
  static final int MAX_FACES = 32;

  private static final Scalar GREEN = new Scalar(0, 255, 0);
  private static final AtomicLong CLASSIFIERS_LOADED = new AtomicLong();

  private final OpContext context;
  // CascadeClassifier is not thread-safe: one per worker, shared by every faces op of that worker.
  private final CascadeClassifier classifier;
  private final MatOfRect faces;
  private final double scaleFactor;
  private final int minNeighbors;
  private final int minSize;

  FacesOp(OpContext context, Path cascade, double scaleFactor, int minNeighbors, int minSize) {
    this.context = context;
    this.classifier = context.shared("faces:" + cascade, () -> load(cascade), FacesOp::unload);
    this.faces = context.shared("faces:rectangles", () -> NativeMats.track(new MatOfRect()), NativeMats::release);
    this.scaleFactor = scaleFactor;
    this.minNeighbors = minNeighbors;
    this.minSize = minSize;
  }

  private static CascadeClassifier load(Path cascade) {
    CascadeClassifier classifier = new CascadeClassifier(cascade.toString());
    if (classifier.empty()) {
      throw new IllegalStateException("could not load the Haar cascade " + cascade);
    }
    CLASSIFIERS_LOADED.incrementAndGet();
    return classifier;
  }

  /**
   * OpenCV's Java {@code CascadeClassifier} has no release method: its native memory is freed when
   * the object is collected (finalizer). Loading one per worker, not per op, is what bounds it.
   */
  private static void unload(CascadeClassifier classifier) {
  }

  /** Classifiers loaded in this JVM so far: one per worker that ran {@code faces}, whatever its pipelines. */
  static long classifiersLoaded() {
    return CLASSIFIERS_LOADED.get();
  }

  @Override
  public Mat apply(Mat image) {
    double scale = Math.min(1, (double) MAX_DETECTION_SIDE / Math.max(image.cols(), image.rows()));
    Mat small = image;
    if (scale < 1) {
      small = context.scratch(0);
      Size size = new Size(Math.max(1, Math.round(image.cols() * scale)), Math.max(1, Math.round(image.rows() * scale)));
      Imgproc.resize(image, small, size, 0, 0, Imgproc.INTER_AREA);
    }
    double side = Math.max(MIN_DETECTION_FACE, minSize * scale);
    classifier.detectMultiScale(OutputMatOp.gray(small, context.scratch(1)), faces, scaleFactor, minNeighbors, 0,
      new Size(side, side), new Size());
    Rect[] found = faces.toArray();
    Arrays.sort(found, Comparator.comparingDouble(Rect::area).reversed());
    double sx = (double) image.cols() / small.cols();
    double sy = (double) image.rows() / small.rows();
    for (int i = 0; i < Math.min(found.length, MAX_FACES); i++) {
      Rect face = found[i];
      Imgproc.rectangle(image, new Point(face.x * sx, face.y * sy), new Point((face.x + face.width) * sx,
        (face.y + face.height) * sy), GREEN, 2);
    }
    return image;
  }

  public static final class Factory extends SimpleOpFactory {

    /** Where Debian's opencv-data installs the cascade; the setting {@code faceCascade} overrides it. */
    public static final String DEFAULT_CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

    // Set at start-up by configure, before the registry publishes the factory to the workers.
    private Path cascade = Path.of(DEFAULT_CASCADE);

    public Factory() {
      super("faces", "Detect frontal faces (Haar cascade) and draw a rectangle around each",
        OpParam.numberParam("scaleFactor", 1.1, MIN_SCALE_FACTOR, 2.0, "how much the search window grows per scale"),
        OpParam.intParam("minNeighbors", 5, 1, 50, "detections needed to keep a face; higher means fewer false faces"),
        OpParam.intParam("minSize", 30, 1, 4096, "smallest face in pixels (in frames over " + MAX_DETECTION_SIDE
          + " pixels, at least " + MIN_DETECTION_FACE + " in a copy scaled down to " + MAX_DETECTION_SIDE + ")"));
    }

    @Override
    public void configure(JsonObject settings) {
      cascade = Path.of(settings.getString("faceCascade", DEFAULT_CASCADE));
    }

    @Override
    public Optional<String> unavailableReason() {
      if (!Files.isReadable(cascade)) {
        return Optional.of("Haar cascade file " + cascade + " not found (on Debian: apt-get install opencv-data,"
          + " or set faceCascade in config.json)");
      }
      return Optional.empty();
    }

    @Override
    public FrameOp create(JsonObject params, OpContext context) {
      return new FacesOp(context, cascade, params.getDouble("scaleFactor"), params.getInteger("minNeighbors"),
        params.getInteger("minSize"));
    }
  }
}
