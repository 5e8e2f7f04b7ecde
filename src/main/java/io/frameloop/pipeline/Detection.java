package io.frameloop.pipeline;

/**
 * Something an op found in the image it was given, for {@link FrameResults#add}: a box (top-left
 * corner, width, height) and keypoints as x, y pairs, in the pixels of that image (the worker maps
 * them to the frame as the client sent it).
 *
 * @param label     what was found, e.g. {@code "face"}: 1 to {@value FrameResults#MAX_LABEL_CHARS} characters
 * @param score     from 0 to 1 (a detector without scores reports 1); sent rounded to 2 decimals
 * @param keypoints x, y pairs, or {@code null} for none (then the client gets no {@code keypoints});
 *                  at most {@value FrameResults#MAX_KEYPOINTS} points
 */
public record Detection(String label, double score, double x, double y, double width, double height, double[] keypoints) {

  /** A box without keypoints. */
  public Detection(String label, double score, double x, double y, double width, double height) {
    this(label, score, x, y, width, height, null);
  }
}
