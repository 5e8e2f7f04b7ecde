package io.frameloop.pipeline.ops.faces;

/**
 * A face found in an image: its box (top-left corner, width, height) and, when the detector gives
 * them, keypoints as x, y pairs, all in the same units (the image's pixels, or the model's unit
 * square before mapping); {@code score} from 0 to 1.
 */
public record DetectedFace(double x, double y, double width, double height, double score, double[] keypoints) {

  public double area() {
    return width * height;
  }

  /** Intersection over union of the two boxes, 0 when they do not overlap. */
  public double iou(DetectedFace other) {
    double w = Math.min(x + width, other.x + other.width) - Math.max(x, other.x);
    double h = Math.min(y + height, other.y + other.height) - Math.max(y, other.y);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    double intersection = w * h;
    return intersection / (area() + other.area() - intersection);
  }

  /** This face with {@code x' = x * scaleX + offsetX} (the same for y), for boxes and keypoints. */
  public DetectedFace mapped(double scaleX, double offsetX, double scaleY, double offsetY) {
    double[] points = keypoints.clone();
    for (int i = 0; i < points.length; i += 2) {
      points[i] = points[i] * scaleX + offsetX;
      points[i + 1] = points[i + 1] * scaleY + offsetY;
    }
    return new DetectedFace(x * scaleX + offsetX, y * scaleY + offsetY, width * scaleX, height * scaleY, score, points);
  }
}
