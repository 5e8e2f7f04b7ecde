package io.frameloop.pipeline;

import io.frameloop.protocol.FrameFormatException;
import io.frameloop.protocol.JpegInfo;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Decode, run the ops, encode: the work of one worker, on that worker's thread only.
 *
 * <p>Owns the Mats it reuses across frames (the compressed input, the encode buffer) and the op
 * instances of the pipelines it has seen recently; {@link #close} releases all of them. Every Mat
 * made for one frame is released before {@link #process} returns, whatever happens.
 */
public final class FrameProcessor implements AutoCloseable {

  private static final int CACHED_PIPELINES = 8;

  private final OpRegistry registry;
  private final ImageLimits limits;
  private byte[] scratch = new byte[64 * 1024];
  private Mat compressed = NativeMats.track(new Mat(1, scratch.length, CvType.CV_8UC1));
  private final MatOfByte encoded = NativeMats.track(new MatOfByte());
  private MatOfInt encodeParams;
  private int encodeQuality = -1;
  private final Map<PipelineSpec, List<FrameOp>> opsByPipeline = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PipelineSpec, List<FrameOp>> eldest) {
      if (size() > CACHED_PIPELINES) {
        eldest.getValue().forEach(FrameOp::close);
        return true;
      }
      return false;
    }
  };

  public FrameProcessor(OpRegistry registry, ImageLimits limits) {
    this.registry = registry;
    this.limits = limits;
  }

  /**
   * Processes one frame.
   *
   * @throws BadFrameException if the bytes are not a JPEG this server accepts or an op fails on it
   */
  public ProcessedFrame process(FrameJob job) {
    long start = System.nanoTime();
    JpegInfo info = checkHeader(job.jpeg());
    Mat view = null;
    Mat decoded = null;
    try {
      view = fill(job.jpeg());
      decoded = NativeMats.track(Imgcodecs.imdecode(view, Imgcodecs.IMREAD_COLOR));
      if (decoded.empty()) {
        throw new BadFrameException("could not decode the JPEG (corrupt or unsupported data)");
      }
      if (decoded.cols() != info.width() || decoded.rows() != info.height()) {
        throw new BadFrameException("decoded size " + decoded.cols() + "x" + decoded.rows()
          + " differs from the header's " + info.width() + "x" + info.height());
      }
      Mat image = decoded;
      for (FrameOp op : ops(job.pipeline())) {
        image = op.apply(image);
      }
      Buffer jpeg = encode(image, job.pipeline().quality());
      return new ProcessedFrame(jpeg, image.cols(), image.rows(), System.nanoTime() - start);
    } catch (CvException e) {
      throw new BadFrameException("OpenCV failed on this frame: " + firstLine(e.getMessage()));
    } finally {
      NativeMats.release(decoded);
      NativeMats.release(view);
    }
  }

  private JpegInfo checkHeader(Buffer jpeg) {
    JpegInfo info;
    try {
      info = JpegInfo.read(jpeg);
    } catch (FrameFormatException e) {
      throw new BadFrameException(e.getMessage());
    }
    if (info.width() == 0 || info.height() == 0) {
      throw new BadFrameException("JPEG declares an empty image (" + info.width() + "x" + info.height() + ")");
    }
    if (info.width() > limits.maxWidth() || info.height() > limits.maxHeight() || info.pixels() > limits.maxPixels()) {
      throw new BadFrameException("image " + info.width() + "x" + info.height() + " is over the limit of "
        + limits.maxWidth() + "x" + limits.maxHeight() + " and " + limits.maxPixels() + " pixels");
    }
    return info;
  }

  /** Copies the JPEG into the reused input Mat and returns a view of its first bytes (release it). */
  private Mat fill(Buffer jpeg) {
    int length = jpeg.length();
    if (length > scratch.length) {
      scratch = new byte[Integer.highestOneBit(length) << 1];
      NativeMats.release(compressed);
      compressed = NativeMats.track(new Mat(1, scratch.length, CvType.CV_8UC1));
    }
    jpeg.getBytes(0, length, scratch, 0);
    compressed.put(0, 0, scratch, 0, length);
    return NativeMats.track(compressed.colRange(0, length));
  }

  private List<FrameOp> ops(PipelineSpec pipeline) {
    List<FrameOp> ops = opsByPipeline.get(pipeline);
    if (ops == null) {
      ops = registry.create(pipeline);
      opsByPipeline.put(pipeline, ops);
    }
    return ops;
  }

  private Buffer encode(Mat image, int quality) {
    if (quality != encodeQuality) {
      NativeMats.release(encodeParams);
      encodeParams = NativeMats.track(new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
      encodeQuality = quality;
    }
    if (!Imgcodecs.imencode(".jpg", image, encoded, encodeParams)) {
      throw new BadFrameException("JPEG encoding failed for a " + image.cols() + "x" + image.rows() + " image");
    }
    byte[] bytes = new byte[(int) encoded.total()];
    encoded.get(0, 0, bytes);
    return Buffer.buffer(bytes);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public void close() {
    opsByPipeline.values().forEach(ops -> ops.forEach(FrameOp::close));
    opsByPipeline.clear();
    NativeMats.release(compressed);
    NativeMats.release(encoded);
    NativeMats.release(encodeParams);
    encodeParams = null;
  }
}
