package io.frameloop.pipeline;

import io.frameloop.image.BadFrameException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * The processed image as a VP8 reply's picture: packed BGR on the Java heap (so that the session
 * can hold it, or drop it, without native memory to give back), grey images made BGR, and an odd
 * width or height cut by its last column or row (VP8 in I420 needs both even).
 */
final class ReplyPictures {

  private ReplyPictures() {
  }

  static DecodedPicture of(Mat image) {
    int channels = image.channels();
    if (image.depth() != CvType.CV_8U || (channels != 1 && channels != 3)) {
      throw new BadFrameException("the pipeline made a " + CvType.typeToString(image.type())
        + " image; a VP8 reply needs 8-bit grey or BGR");
    }
    int width = image.cols() & ~1;
    int height = image.rows() & ~1;
    if (width == 0 || height == 0) {
      throw new BadFrameException("the pipeline made a " + image.cols() + "x" + image.rows()
        + " image, too small for a VP8 reply (at least 2x2)");
    }
    byte[] row = new byte[image.cols() * channels];
    byte[] bgr = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      image.get(y, 0, row);
      int at = y * width * 3;
      if (channels == 3) {
        System.arraycopy(row, 0, bgr, at, width * 3);
      } else {
        for (int x = 0; x < width; x++) {
          bgr[at++] = row[x];
          bgr[at++] = row[x];
          bgr[at++] = row[x];
        }
      }
    }
    return new DecodedPicture(width, height, bgr, 0);
  }
}
