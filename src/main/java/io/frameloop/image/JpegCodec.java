package io.frameloop.image;

import io.vertx.core.buffer.Buffer;
import org.opencv.core.Mat;

/**
 * JPEG decoding and encoding for one worker. Not thread-safe: each worker has its own instance,
 * which may keep native handles and buffers across frames.
 */
public interface JpegCodec extends AutoCloseable {

  /** Reduction factors a codec can decode at: 1, 1/2, 1/4, 1/8. */
  int[] REDUCTIONS = {8, 4, 2};

  /** The longest side libjpeg reads or writes (its JPEG_MAX_DIMENSION), for both codecs. */
  int MAX_SIDE = 65500;

  /** {@code "turbojpeg"} or {@code "opencv"}. */
  String name();

  /**
   * Decodes to 8-bit BGR. With {@code reduction} 2, 4 or 8 the image is decoded at that fraction
   * of its size (each side rounded up), which is much cheaper than decoding in full and shrinking.
   * The returned Mat belongs to the codec and is valid until the next call.
   *
   * @param info what the JPEG's header declares, already checked against the limits
   * @throws BadFrameException if the data cannot be decoded
   */
  Mat decode(Buffer jpeg, JpegInfo info, int reduction);

  /**
   * Encodes an 8-bit BGR or greyscale image; the bytes are the caller's.
   *
   * @throws JpegEncodeException if the image cannot be encoded (a server-side failure, not the
   *                             client's frame's); the codec stays usable
   */
  Buffer encode(Mat image, int quality);

  @Override
  void close();

  /** The size a side has when decoded at {@code 1/reduction}. */
  static int reduced(int side, int reduction) {
    return (side + reduction - 1) / reduction;
  }
}
