package io.frameloop.image;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * OpenCV's {@code Imgcodecs} (the libjpeg-turbo bundled in the openpnp jar, built without SIMD):
 * the portable fallback. Its Java API allocates a new image per decode.
 */
public final class OpenCvJpegCodec implements JpegCodec {

  private byte[] scratch = new byte[64 * 1024];
  private Mat compressed = NativeMats.track(new Mat(1, scratch.length, CvType.CV_8UC1));
  private final MatOfByte encoded = NativeMats.track(new MatOfByte());
  private Mat decoded;
  private MatOfInt encodeParams;
  private int encodeQuality = -1;

  @Override
  public String name() {
    return "opencv";
  }

  @Override
  public Mat decode(Buffer jpeg, JpegInfo info, int reduction) {
    int length = jpeg.length();
    if (length > scratch.length) {
      growInput(length);
    }
    jpeg.getBytes(0, length, scratch, 0);
    compressed.put(0, 0, scratch, 0, length);
    Mat view = NativeMats.track(compressed.colRange(0, length));
    try {
      NativeMats.release(decoded);
      decoded = null; // not released twice if imdecode throws
      decoded = NativeMats.track(Imgcodecs.imdecode(view, flags(reduction)));
    } finally {
      NativeMats.release(view);
    }
    if (decoded.empty()) {
      throw new BadFrameException("could not decode the JPEG (corrupt or unsupported data)");
    }
    return decoded;
  }

  /** Replaces the input buffers only once the new ones exist, so a failed allocation changes nothing. */
  private void growInput(int length) {
    int capacity = CodecChecks.grownCapacity(length);
    byte[] array = new byte[capacity];
    Mat mat = NativeMats.track(new Mat(1, capacity, CvType.CV_8UC1));
    NativeMats.release(compressed);
    compressed = mat;
    scratch = array;
  }

  private static int flags(int reduction) {
    return switch (reduction) {
      case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
      case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
      case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
      default -> Imgcodecs.IMREAD_COLOR;
    };
  }

  @Override
  public Buffer encode(Mat image, int quality) {
    CodecChecks.checkEncodable(image);
    if (quality != encodeQuality) {
      MatOfInt params = NativeMats.track(new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
      NativeMats.release(encodeParams);
      encodeParams = params;
      encodeQuality = quality;
    }
    try {
      if (!Imgcodecs.imencode(".jpg", image, encoded, encodeParams)) {
        throw new JpegEncodeException("JPEG encoding failed for a " + image.cols() + "x" + image.rows() + " image");
      }
    } catch (CvException e) {
      // Not the client's frame: an image this server made could not be written.
      throw new JpegEncodeException("JPEG encoding failed for a " + image.cols() + "x" + image.rows() + " image: "
        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (encoded.total() > CodecChecks.MAX_ARRAY) {
      throw new JpegEncodeException("the encoded image (" + encoded.total() + " bytes) is over the largest array");
    }
    byte[] bytes = new byte[(int) encoded.total()];
    encoded.get(0, 0, bytes);
    if (bytes.length > CodecChecks.RETAINED_BUFFER) {
      encoded.release(); // one huge image should not pin its buffer in every worker
    }
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes)); // wraps; Buffer.buffer(byte[]) would copy
  }

  @Override
  public void close() {
    NativeMats.release(compressed);
    NativeMats.release(encoded);
    NativeMats.release(decoded);
    NativeMats.release(encodeParams);
    decoded = null;
    encodeParams = null;
  }
}
