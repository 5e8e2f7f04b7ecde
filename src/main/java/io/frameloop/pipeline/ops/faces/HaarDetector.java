package io.frameloop.pipeline.ops.faces;

import io.frameloop.image.NativeMats;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.opencv.core.Mat;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Haar-cascade face detection (the {@code faces} op's {@code model: haar}). Its cost is bounded
 * whatever the parameters and the frame: it detects on a grey copy whose long side is at most
 * {@value #MAX_DETECTION_SIDE} pixels (boxes scaled back), with a scale step of at least
 * {@value #MIN_SCALE_FACTOR} and at least one neighbour. One per worker: OpenCV's classifier is
 * not thread-safe.
 */
public final class HaarDetector {

  /** The detection copy's long side: Haar detection's cost grows with its pixels times its scales. */
  public static final int MAX_DETECTION_SIDE = 640;
  /** The smallest face looked for in the detection copy: the frontal face cascades' own window, 24x24. */
  public static final int MIN_DETECTION_FACE = 24;
  public static final double MIN_SCALE_FACTOR = 1.05;

  private static final AtomicLong CLASSIFIERS_LOADED = new AtomicLong();

  private final CascadeClassifier classifier;
  private final MatOfRect faces = NativeMats.track(new MatOfRect());

  /**
   * OpenCV's Java {@code CascadeClassifier} has no release method: its native memory is freed when
   * the object is collected (finalizer). Loading one per worker, not per op, is what bounds it.
   */
  HaarDetector(Path cascade) {
    classifier = new CascadeClassifier(cascade.toString());
    if (classifier.empty()) {
      NativeMats.release(faces);
      throw new IllegalStateException("could not load the Haar cascade " + cascade);
    }
    CLASSIFIERS_LOADED.incrementAndGet();
  }

  /** Classifiers loaded in this JVM so far: one per worker that ran a Haar detection, whatever its pipelines. */
  public static long classifiersLoaded() {
    return CLASSIFIERS_LOADED.get();
  }

  /** The faces in {@code image}, largest first; {@code small} and {@code gray} are scratch Mats. */
  public List<DetectedFace> detect(Mat image, Mat small, Mat gray, double scaleFactor, int minNeighbors, int minSize) {
    double scale = Math.min(1, (double) MAX_DETECTION_SIDE / Math.max(image.cols(), image.rows()));
    Mat searched = image;
    if (scale < 1) {
      Size size = new Size(Math.max(1, Math.round(image.cols() * scale)), Math.max(1, Math.round(image.rows() * scale)));
      Imgproc.resize(image, small, size, 0, 0, Imgproc.INTER_AREA);
      searched = small;
    }
    if (searched.channels() != 1) {
      Imgproc.cvtColor(searched, gray, Imgproc.COLOR_BGR2GRAY);
      searched = gray;
    }
    double side = Math.max(MIN_DETECTION_FACE, minSize * scale);
    classifier.detectMultiScale(searched, faces, scaleFactor, minNeighbors, 0, new Size(side, side), new Size());
    double sx = (double) image.cols() / searched.cols();
    double sy = (double) image.rows() / searched.rows();
    return Arrays.stream(faces.toArray()).sorted(Comparator.comparingDouble(Rect::area).reversed())
      .map(face -> new DetectedFace(face.x * sx, face.y * sy, face.width * sx, face.height * sy, 1, new double[0]))
      .toList();
  }

  void release() {
    NativeMats.release(faces);
  }
}
