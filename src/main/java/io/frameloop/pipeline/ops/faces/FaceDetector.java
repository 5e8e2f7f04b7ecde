package io.frameloop.pipeline.ops.faces;

import java.util.List;
import org.opencv.core.Mat;

/** Finds faces in a frame, for one op instance on one worker; boxes in the frame's pixels. */
@FunctionalInterface
public interface FaceDetector {

  /** The faces in {@code image} (8-bit, 1 or 3 channels, BGR), best or largest first; {@code image} is not changed. */
  List<DetectedFace> detect(Mat image);
}
