package io.frameloop.video;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded YUV pictures to packed BGR with swscale, honouring the stream's colour space: its
 * matrix (BT.709, BT.601, BT.2020) and its range (full or limited). Keeps its context and output
 * buffer across pictures of one size.
 */
final class YuvToBgr implements AutoCloseable {

  private SwsContext context;
  private int width;
  private int height;
  private int format = -1;
  private ColorSpace colorSpace;
  private BytePointer output;
  private PointerPointer<BytePointer> outputPlanes;
  private IntPointer outputStrides;

  byte[] convert(AVFrame frame, ColorSpace space) {
    if (frame.width() != width || frame.height() != height || frame.format() != format || !space.equals(colorSpace)) {
      configure(frame.width(), frame.height(), frame.format(), space);
    }
    swscale.sws_scale(context, frame.data(), frame.linesize(), 0, height, outputPlanes, outputStrides);
    byte[] bgr = new byte[width * height * 3];
    output.position(0).get(bgr);
    return bgr;
  }

  private void configure(int width, int height, int format, ColorSpace space) {
    context = swscale.sws_getCachedContext(context, width, height, format, width, height, avutil.AV_PIX_FMT_BGR24,
      swscale.SWS_BILINEAR | swscale.SWS_ACCURATE_RND | swscale.SWS_FULL_CHR_H_INT, null, null, (DoublePointer) null);
    if (context == null) {
      throw new VideoDecodeException("no colour conversion for a " + width + "x" + height + " picture of format " + format);
    }
    IntPointer matrix = swscale.sws_getCoefficients(Matrices.swscale(space.matrix()));
    // From the stream's YUV (its matrix, its range) to full-range BGR.
    if (swscale.sws_setColorspaceDetails(context, matrix, space.fullRange() ? 1 : 0, matrix, 1, 0, 1 << 16, 1 << 16) < 0) {
      this.format = -1; // configure again at the next picture
      throw new VideoDecodeException("swscale cannot convert " + space.matrix() + " YUV of format " + format + " to BGR");
    }
    if (width != this.width || height != this.height) {
      freeOutput();
      output = new BytePointer((long) width * height * 3);
      outputPlanes = new PointerPointer<>(output, null, null, null);
      outputStrides = new IntPointer(width * 3, 0, 0, 0);
    }
    this.width = width;
    this.height = height;
    this.format = format;
    this.colorSpace = space;
  }

  private void freeOutput() {
    if (output != null) {
      output.close();
      outputPlanes.close();
      outputStrides.close();
      output = null;
    }
  }

  @Override
  public void close() {
    freeOutput();
    if (context != null) {
      swscale.sws_freeContext(context);
      context = null;
    }
  }
}
