package io.frameloop.pipeline;

import io.frameloop.image.BadFrameException;
import io.frameloop.image.JpegCodec;
import io.frameloop.image.JpegInfo;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.CvException;
import org.opencv.core.Mat;

/**
 * Decode, run the ops, encode: the work of one worker, on that worker's thread only.
 *
 * <p>Owns its codec (with the buffers and decoded image it reuses across frames) and the op
 * instances of the pipelines it has seen recently; {@link #close} releases all of them.
 */
public final class FrameProcessor implements AutoCloseable {

  private static final int CACHED_PIPELINES = 8;

  private final OpRegistry registry;
  private final ImageLimits limits;
  private final JpegCodec codec;
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

  public FrameProcessor(OpRegistry registry, ImageLimits limits, JpegCodec codec) {
    this.registry = registry;
    this.limits = limits;
    this.codec = codec;
  }

  /**
   * Processes one frame.
   *
   * @throws BadFrameException if the bytes are not a JPEG this server accepts or an op fails on it
   */
  public ProcessedFrame process(FrameJob job) {
    long start = System.nanoTime();
    JpegInfo info = checkHeader(job.jpeg());
    checkSizes(job.pipeline(), info);
    int reduction = reduction(job.pipeline(), info);
    try {
      Mat image = codec.decode(job.jpeg(), info, reduction);
      for (FrameOp op : ops(job.pipeline())) {
        image = op.apply(image);
      }
      Buffer jpeg = codec.encode(image, job.pipeline().quality());
      return new ProcessedFrame(jpeg, image.cols(), image.rows(), System.nanoTime() - start, null);
    } catch (CvException e) {
      throw new BadFrameException("OpenCV failed on this frame: " + firstLine(e.getMessage()));
    }
  }

  private JpegInfo checkHeader(Buffer jpeg) {
    JpegInfo info = JpegInfo.read(jpeg);
    if (info.width() == 0 || info.height() == 0) {
      throw new BadFrameException("JPEG declares an empty image (" + info.width() + "x" + info.height() + ")");
    }
    if (!limits.allows(info.width(), info.height())) {
      throw new BadFrameException("image " + info.width() + "x" + info.height() + " is over the limit of "
        + limits.describe());
    }
    return info;
  }

  /** Refuses, before decoding, a frame that this pipeline would turn into an image over the limits. */
  private void checkSizes(PipelineSpec pipeline, JpegInfo info) {
    PipelineSizes.firstOverrun(registry, pipeline, limits, new ImageSize(info.width(), info.height()))
      .ifPresent(overrun -> {
        throw new BadFrameException(overrun.describe() + ", over the image limits of " + limits.describe());
      });
  }

  /**
   * The reduction to decode at: the largest (1/2, 1/4, 1/8) that still gives at least the first
   * op's {@linkplain FrameOpFactory#smallestInput smallest input}, else 1 (full size). A pipeline
   * that starts by shrinking then starts from far fewer pixels.
   */
  int reduction(PipelineSpec pipeline, JpegInfo info) {
    if (pipeline.steps().isEmpty()) {
      return 1;
    }
    PipelineSpec.Step first = pipeline.steps().get(0);
    FrameOpFactory factory = registry.get(first.op());
    if (factory == null) {
      return 1; // ops() reports the unregistered op
    }
    return factory.smallestInput(first.params(), info.width(), info.height())
      .map(smallest -> largestReduction(info, smallest))
      .orElse(1);
  }

  private static int largestReduction(JpegInfo info, ImageSize smallest) {
    for (int reduction : JpegCodec.REDUCTIONS) {
      if (JpegCodec.reduced(info.width(), reduction) >= smallest.width()
        && JpegCodec.reduced(info.height(), reduction) >= smallest.height()) {
        return reduction;
      }
    }
    return 1;
  }

  private List<FrameOp> ops(PipelineSpec pipeline) {
    List<FrameOp> ops = opsByPipeline.get(pipeline);
    if (ops == null) {
      ops = registry.create(pipeline);
      opsByPipeline.put(pipeline, ops);
    }
    return ops;
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
    codec.close();
  }
}
