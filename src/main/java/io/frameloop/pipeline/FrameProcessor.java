package io.frameloop.pipeline;

import io.frameloop.image.BadFrameException;
import io.frameloop.image.JpegCodec;
import io.frameloop.image.JpegInfo;
import io.frameloop.image.NativeMats;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Decode, run the ops, encode: the work of one worker, on that worker's thread only.
 *
 * <p>Owns its codec (with the buffers and decoded image it reuses across frames), the
 * {@link OpContext} its ops write into (two output images for any number of ops, scratch, shared
 * resources such as the {@code faces} classifier) and the op instances of the pipelines it has
 * seen recently; {@link #close} releases all of them.
 */
public final class FrameProcessor implements AutoCloseable {

  /** Images that cached plug-in ops may keep of their own, in full-size colour images. */
  private static final int CACHED_OWN_IMAGES = 2;

  private final OpRegistry registry;
  private final ImageLimits limits;
  private final JpegCodec codec;
  private final OpContext context = new OpContext();
  private final PipelineCache pipelines;
  /** Where decoded video pictures are put for the ops; made at the first one. */
  private Mat picture;
  private long decodedBytes;
  // Written by the worker after each frame, read by metrics on any thread.
  private volatile long nativeBytes;

  public FrameProcessor(OpRegistry registry, ImageLimits limits, JpegCodec codec) {
    this.registry = registry;
    this.limits = limits;
    this.codec = codec;
    this.pipelines = new PipelineCache(CACHED_OWN_IMAGES * limits.getMaxPixels() * 3);
  }

  /**
   * Processes one frame.
   *
   * @throws BadFrameException if the bytes are not a JPEG this server accepts, the pipeline would
   *                           make an image over the limits of it, or an op fails on it
   */
  public ProcessedFrame process(FrameJob job) {
    long start = System.nanoTime();
    // The frame as the client sent it: a JPEG's declared size, or a decoded video picture's.
    JpegInfo info = job.picture() == null ? checkHeader(job.jpeg()) : null;
    ImageSize sent = info != null ? new ImageSize(info.width(), info.height()) : checkPicture(job.picture());
    checkSizes(job.pipeline(), sent);
    FrameResults results = new FrameResults(sent.width(), sent.height());
    context.beginFrame(results);
    try {
      Mat image = info != null ? codec.decode(job.jpeg(), info, reduction(job.pipeline(), info)) : picture(job.picture());
      decodedBytes = OpContext.bytes(image) + (picture == null || picture == image ? 0 : OpContext.bytes(picture));
      long decoded = System.nanoTime();
      long[] setup = {0}; // only when the worker makes the ops: the pipeline's first frame here
      PipelineCache.Entry ops = pipelines.get(job.pipeline(), spec -> {
        long making = System.nanoTime();
        List<FrameOp> made = registry.create(spec, context);
        setup[0] = System.nanoTime() - making;
        return made;
      });
      List<StageTimes.OpTime> opTimes = new ArrayList<>(ops.ops.size());
      // The decoded image is the sent frame, reduced: its pixels map to the frame's by scaling.
      PixelMapping toFrame = PixelMapping.scale(size(image), sent);
      image = apply(ops, job.pipeline(), image, opTimes, results, toFrame);
      long applied = System.nanoTime();
      // Results alone: nothing to encode. A VP8 reply is encoded by the session, in order: the worker hands back the picture.
      boolean sendsImage = job.pipeline().reply().sendsImage();
      Buffer jpeg = sendsImage && !job.pipeline().vp8Replies() ? codec.encode(image, job.quality()) : null;
      DecodedPicture reply = sendsImage && jpeg == null ? ReplyPictures.of(image) : null;
      long end = System.nanoTime();
      // A video picture was decoded before it came here: its decode is part of the frame's.
      long videoDecode = job.picture() == null ? 0 : job.picture().decodeNanos();
      int width = reply == null ? image.cols() : reply.width();
      int height = reply == null ? image.rows() : reply.height();
      return new ProcessedFrame(jpeg, width, height, end - start + videoDecode, null,
        new StageTimes(decoded - start + videoDecode, setup[0], opTimes, sendsImage ? end - applied : 0),
        results.reported() || job.pipeline().reply().sendsResults() ? results : null, reply);
    } catch (CvException e) {
      throw new BadFrameException("OpenCV failed on this frame: " + firstLine(e.getMessage()));
    } finally {
      context.endFrame();
      nativeBytes = decodedBytes + context.nativeBytes() + pipelines.ownBytes();
    }
  }

  /** A decoded video picture's size, within the limits. */
  private ImageSize checkPicture(DecodedPicture decoded) {
    if (!limits.allows(decoded.width(), decoded.height())) {
      throw new BadFrameException("picture " + decoded.width() + "x" + decoded.height() + " is over the limit of "
        + limits.describe());
    }
    return new ImageSize(decoded.width(), decoded.height());
  }

  /** A decoded video picture in this processor's own Mat (reused across frames: the ops treat it as the codec's). */
  private Mat picture(DecodedPicture decoded) {
    if (picture == null) {
      picture = NativeMats.create();
    }
    picture.create(decoded.height(), decoded.width(), CvType.CV_8UC3);
    picture.put(0, 0, decoded.bgr());
    return picture;
  }

  /**
   * Runs the ops, timing each, and notes the images they return of their own (plug-ins written
   * against the earlier SPI). Each op's results are mapped to the sent frame through
   * {@code toFrame}, followed op by op.
   */
  private Mat apply(PipelineCache.Entry pipeline, PipelineSpec spec, Mat image, List<StageTimes.OpTime> times,
                    FrameResults results, PixelMapping toFrame) {
    long ownBytes = 0;
    for (int i = 0; i < pipeline.ops.size(); i++) {
      FrameOp op = pipeline.ops.get(i);
      PipelineSpec.Step step = spec.steps().get(i);
      Mat input = image;
      // The op's time includes its results' bookkeeping, so that the stages still add up to the processing time.
      long opStart = System.nanoTime();
      ImageSize inputSize = size(input);
      results.beginOp(step.op(), toFrame);
      image = op.apply(input);
      if (results.problem() != null) {
        throw new BadFrameException("ops[" + i + "] (" + step.op() + ") " + results.problem());
      }
      FrameOpFactory factory = registry.get(step.op());
      if (factory != null) {
        toFrame = toFrame.after(factory.pixelMapping(step.params(), inputSize, size(image)));
      }
      times.add(new StageTimes.OpTime(step.op(), System.nanoTime() - opStart));
      if (image != input && !context.owns(image)) {
        ownBytes += OpContext.bytes(image);
      }
    }
    pipeline.ownBytes = ownBytes;
    pipelines.trim(pipeline);
    return image;
  }

  private static ImageSize size(Mat image) {
    return new ImageSize(image.cols(), image.rows());
  }

  /**
   * The native memory this processor holds, in bytes, as of its last frame: the decoded image,
   * the context's outputs, scratch and shared Mats, and the images cached plug-in ops returned of
   * their own. The codec's compressed-data buffers and a classifier's own memory are not counted.
   * Safe to read from any thread.
   */
  public long nativeBytes() {
    return nativeBytes;
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
  private void checkSizes(PipelineSpec pipeline, ImageSize size) {
    PipelineSizes.firstOverrun(registry, pipeline, limits, size)
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
      return 1; // creating the ops reports the unregistered op
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

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public void close() {
    pipelines.close();
    context.close();
    codec.close();
    NativeMats.release(picture);
    picture = null;
    nativeBytes = 0;
  }
}
