package io.frameloop.image;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Size checks both codecs make before any native call or allocation. */
final class CodecChecks {

  /** The largest Java array (and so the largest frame or encoded image) the JVM allows. */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** Encode buffers over this size (a 4096x4096 colour image needs 48 MiB) are not kept. */
  static final long RETAINED_BUFFER = 64L << 20;

  private CodecChecks() {
  }

  /**
   * @throws JpegEncodeException if the image is empty, not 8-bit with 1 or 3 channels, or has a
   *                             side over {@link JpegCodec#MAX_SIDE}
   */
  static void checkEncodable(Mat image) {
    int channels = image.channels();
    if (image.depth() != CvType.CV_8U || (channels != 1 && channels != 3)) {
      throw new JpegEncodeException("cannot encode an image of type " + CvType.typeToString(image.type()) + " as JPEG");
    }
    if (image.cols() < 1 || image.rows() < 1) {
      throw new JpegEncodeException("cannot encode an empty image (" + image.cols() + "x" + image.rows() + ") as JPEG");
    }
    if (image.cols() > JpegCodec.MAX_SIDE || image.rows() > JpegCodec.MAX_SIDE) {
      throw new JpegEncodeException("cannot encode a " + image.cols() + "x" + image.rows()
        + " image as JPEG: a side is over " + JpegCodec.MAX_SIDE + " pixels");
    }
  }

  /**
   * A new capacity for a reused buffer that must hold {@code needed} bytes: the next power of
   * two, computed in long (an int {@code << 1} goes negative over 1 GiB), and
   * not over the largest Java array.
   */
  static int grownCapacity(int needed) {
    return Math.max(needed, (int) Math.min(Long.highestOneBit(needed) << 1, MAX_ARRAY));
  }
}
