package io.frameloop.pipeline.ops;

import io.frameloop.pipeline.FrameOp;
import io.frameloop.image.NativeMats;
import io.frameloop.pipeline.OpParam;
import io.frameloop.pipeline.SimpleOpFactory;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.opencv.core.Mat;
import org.opencv.core.MatOfRect;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/** Haar-cascade face detection; draws a green rectangle around each face, in place. */
public final class FacesOp implements FrameOp {

  private static final Scalar GREEN = new Scalar(0, 255, 0);

  // CascadeClassifier is not thread-safe: each worker's op instance loads its own.
  private final CascadeClassifier classifier;
  private final double scaleFactor;
  private final int minNeighbors;
  private final Size minSize;
  private final Mat gray = NativeMats.create();
  private final MatOfRect faces = NativeMats.track(new MatOfRect());

  FacesOp(Path cascade, double scaleFactor, int minNeighbors, int minSize) {
    this.classifier = new CascadeClassifier(cascade.toString());
    if (classifier.empty()) {
      close();
      throw new IllegalStateException("could not load the Haar cascade " + cascade);
    }
    this.scaleFactor = scaleFactor;
    this.minNeighbors = minNeighbors;
    this.minSize = new Size(minSize, minSize);
  }

  @Override
  public Mat apply(Mat image) {
    classifier.detectMultiScale(OutputMatOp.gray(image, gray), faces, scaleFactor, minNeighbors, 0, minSize, new Size());
    for (Rect face : faces.toArray()) {
      Imgproc.rectangle(image, new Point(face.x, face.y), new Point(face.x + face.width, face.y + face.height), GREEN, 2);
    }
    return image;
  }

  @Override
  public void close() {
    NativeMats.release(gray);
    NativeMats.release(faces);
  }

  public static final class Factory extends SimpleOpFactory {

    /** Where Debian's opencv-data installs the cascade; the setting {@code faceCascade} overrides it. */
    public static final String DEFAULT_CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

    // Set at start-up by configure, before the registry publishes the factory to the workers.
    private Path cascade = Path.of(DEFAULT_CASCADE);

    public Factory() {
      super("faces", "Detect frontal faces (Haar cascade) and draw a rectangle around each",
        OpParam.numberParam("scaleFactor", 1.1, 1.01, 2.0, "how much the search window grows per scale"),
        OpParam.intParam("minNeighbors", 5, 0, 50, "detections needed to keep a face; higher means fewer false faces"),
        OpParam.intParam("minSize", 30, 1, 4096, "smallest face in pixels"));
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
    public FrameOp create(JsonObject params) {
      return new FacesOp(cascade, params.getDouble("scaleFactor"), params.getInteger("minNeighbors"),
        params.getInteger("minSize"));
    }
  }
}
