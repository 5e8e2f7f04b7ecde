package io.frameloop.pipeline.ops.faces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the raw outputs of MediaPipe's short-range BlazeFace (128x128 input) into faces, as
 * MediaPipe's own face detection graph does: 896 anchors (a 16x16 grid with 2 per cell at stride 8,
 * then an 8x8 grid with 6 per cell at stride 16, centres at {@code (i + 0.5) / grid}); each anchor's
 * 16 values are the box centre offset, width and height in 128-pixel units, then 6 keypoints (eyes,
 * nose, mouth, ears) as offsets; its score is a sigmoid. Overlapping detections are merged by
 * weighted non-maximum suppression. Pure Java: results are in the model's unit square.
 */
public final class BlazeFaceDecoder {

  public static final int INPUT_SIDE = 128;
  public static final int ANCHORS = 896;
  public static final int VALUES_PER_ANCHOR = 16;
  public static final int KEYPOINTS = 6;
  /** Detections overlapping the best one by more than this are merged into it (MediaPipe's value). */
  static final double MERGE_IOU = 0.3;
  /** Raw scores are clipped to this before the sigmoid, as MediaPipe does. */
  private static final double SCORE_CLIP = 100;

  /** Anchor centres, x then y, in the unit square. */
  private static final double[] ANCHOR_CENTRES = anchors();

  private BlazeFaceDecoder() {
  }

  private static double[] anchors() {
    double[] centres = new double[ANCHORS * 2];
    int anchor = 0;
    for (int[] layer : new int[][] {{16, 2}, {8, 6}}) {
      int grid = layer[0];
      for (int y = 0; y < grid; y++) {
        for (int x = 0; x < grid; x++) {
          for (int n = 0; n < layer[1]; n++) {
            centres[anchor * 2] = (x + 0.5) / grid;
            centres[anchor * 2 + 1] = (y + 0.5) / grid;
            anchor++;
          }
        }
      }
    }
    return centres;
  }

  /** Anchor {@code index}'s centre: {x, y} in the unit square. */
  static double[] anchorCentre(int index) {
    return new double[] {ANCHOR_CENTRES[index * 2], ANCHOR_CENTRES[index * 2 + 1]};
  }

  /**
   * The faces scoring at least {@code minScore}, merged, best first.
   *
   * @param scores raw scores, one per anchor (the 512 of the 16x16 grid, then the 384 of the 8x8)
   * @param boxes  {@value #VALUES_PER_ANCHOR} raw values per anchor, in the same order
   */
  public static List<DetectedFace> decode(float[] scores, float[] boxes, double minScore) {
    if (scores.length != ANCHORS || boxes.length != ANCHORS * VALUES_PER_ANCHOR) {
      throw new IllegalArgumentException("expected " + ANCHORS + " scores and " + ANCHORS * VALUES_PER_ANCHOR
        + " box values, got " + scores.length + " and " + boxes.length);
    }
    List<DetectedFace> candidates = new ArrayList<>();
    for (int i = 0; i < ANCHORS; i++) {
      double score = sigmoid(scores[i]);
      if (score >= minScore) {
        candidates.add(face(boxes, i, score));
      }
    }
    return weightedNms(candidates);
  }

  static double sigmoid(double raw) {
    return 1 / (1 + Math.exp(-Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, raw))));
  }

  private static DetectedFace face(float[] boxes, int anchor, double score) {
    int at = anchor * VALUES_PER_ANCHOR;
    double ax = ANCHOR_CENTRES[anchor * 2];
    double ay = ANCHOR_CENTRES[anchor * 2 + 1];
    double cx = boxes[at] / INPUT_SIDE + ax;
    double cy = boxes[at + 1] / INPUT_SIDE + ay;
    double w = boxes[at + 2] / INPUT_SIDE;
    double h = boxes[at + 3] / INPUT_SIDE;
    double[] keypoints = new double[KEYPOINTS * 2];
    for (int k = 0; k < KEYPOINTS; k++) {
      keypoints[k * 2] = boxes[at + 4 + k * 2] / INPUT_SIDE + ax;
      keypoints[k * 2 + 1] = boxes[at + 5 + k * 2] / INPUT_SIDE + ay;
    }
    return new DetectedFace(cx - w / 2, cy - h / 2, w, h, score, keypoints);
  }

  /**
   * MediaPipe's weighted non-maximum suppression: the best remaining detection and every one
   * overlapping it by more than {@link #MERGE_IOU} become one face, their boxes and keypoints
   * averaged by score, with the best one's score.
   */
  static List<DetectedFace> weightedNms(List<DetectedFace> candidates) {
    List<DetectedFace> remaining = new ArrayList<>(candidates);
    remaining.sort(Comparator.comparingDouble(DetectedFace::score).reversed());
    List<DetectedFace> merged = new ArrayList<>();
    while (!remaining.isEmpty()) {
      DetectedFace best = remaining.get(0);
      List<DetectedFace> cluster = new ArrayList<>();
      List<DetectedFace> rest = new ArrayList<>();
      for (DetectedFace face : remaining) {
        (face == best || best.iou(face) > MERGE_IOU ? cluster : rest).add(face);
      }
      merged.add(average(cluster, best.score()));
      remaining = rest;
    }
    return merged;
  }

  private static DetectedFace average(List<DetectedFace> cluster, double score) {
    double total = 0;
    double x = 0;
    double y = 0;
    double w = 0;
    double h = 0;
    double[] keypoints = new double[cluster.get(0).keypoints().length];
    for (DetectedFace face : cluster) {
      double weight = face.score();
      total += weight;
      x += face.x() * weight;
      y += face.y() * weight;
      w += face.width() * weight;
      h += face.height() * weight;
      for (int k = 0; k < keypoints.length; k++) {
        keypoints[k] += face.keypoints()[k] * weight;
      }
    }
    for (int k = 0; k < keypoints.length; k++) {
      keypoints[k] /= total;
    }
    return new DetectedFace(x / total, y / total, w / total, h / total, score, keypoints);
  }
}
