package io.frameloop.pipeline;

import io.vertx.core.json.JsonObject;

/**
 * Predicts what one frame of a pipeline costs a worker, in milliseconds, before the frame is
 * processed: a fixed part, the decode of the frame, each op's {@link FrameOpFactory#costMs} at the
 * size it gets (sizes walked through {@link FrameOpFactory#outputSize}) and the encode of the reply
 * when it is a JPEG. The figures are those measured by {@code bench/run io.frameloop.bench.OpCosts}
 * (BENCHMARKS.md, "Cost budget"). The prediction learns: each processed frame's measured time
 * corrects the predictions for its pipeline ({@link #learn}). Shared by the sessions of one server;
 * thread-safe.
 */
public final class CostModel {

  /**
   * The frame size a pipeline is checked at before the session has sent any frame: the browser
   * page's camera size. Each frame is checked again at its own size.
   */
  public static final ImageSize REFERENCE_FRAME = new ImageSize(640, 480);

  /** Bookkeeping per frame (the job's messages, the pipeline lookup). */
  static final double FRAME_MS = 0.5;
  /** Decoding a camera JPEG (TurboJPEG, 2.0 to 3.2 ms per megapixel measured). */
  static final double DECODE_MS_PER_MEGAPIXEL = 3;
  /** Encoding the reply at quality 80 (2.0 to 3.5 ms per megapixel measured). */
  static final double ENCODE_MS_PER_MEGAPIXEL = 3;

  private final OpRegistry registry;
  private final CostCorrections corrections = new CostCorrections();

  public CostModel(OpRegistry registry) {
    this.registry = registry;
  }

  /** Megapixels of a {@code width x height} image. */
  public static double megapixels(int width, int height) {
    return width * (double) height / 1e6;
  }

  /** The predicted cost of one frame of {@code frame}'s size, corrected by what this pipeline's frames measured. */
  public double predictMs(PipelineSpec pipeline, ImageSize frame) {
    return modelMs(pipeline, frame) * corrections.factor(key(pipeline));
  }

  /** The prediction from the figures alone, without correction. */
  public double modelMs(PipelineSpec pipeline, ImageSize frame) {
    double ms = FRAME_MS + DECODE_MS_PER_MEGAPIXEL * megapixels(frame.width(), frame.height());
    ImageSize size = frame;
    for (PipelineSpec.Step step : pipeline.steps()) {
      FrameOpFactory factory = registry.get(step.op());
      if (factory == null) {
        continue; // creating the ops reports the unregistered op
      }
      ms += opCostMs(factory, step.params(), size);
      size = factory.outputSize(step.params(), size.width(), size.height());
    }
    if (pipeline.reply().sendsImage() && !pipeline.vp8Replies()) {
      ms += ENCODE_MS_PER_MEGAPIXEL * megapixels(size.width(), size.height());
    }
    return ms;
  }

  /**
   * A frame of the pipeline took {@code measuredNanos} on a worker (without making the ops): the
   * pipeline's correction moves towards measured / predicted.
   */
  public void learn(PipelineSpec pipeline, ImageSize frame, long measuredNanos) {
    double model = modelMs(pipeline, frame);
    if (model > 0 && measuredNanos > 0) {
      corrections.update(key(pipeline), measuredNanos / 1e6 / model);
    }
  }

  /** The factor the pipeline's predictions are multiplied by: 1 until its frames were measured. */
  public double correction(PipelineSpec pipeline) {
    return corrections.factor(key(pipeline));
  }

  /** A plug-in's estimate, or the default one where it gives none that is usable (NaN, negative, an exception). */
  private static double opCostMs(FrameOpFactory factory, JsonObject params, ImageSize input) {
    double fallback = FrameOpFactory.DEFAULT_COST_MS_PER_MEGAPIXEL * megapixels(input.width(), input.height());
    try {
      double ms = factory.costMs(params, input.width(), input.height());
      return ms >= 0 && ms < Double.POSITIVE_INFINITY ? ms : fallback;
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  /** What the worker does with a frame: the ops and the reply, not the quality. */
  private static String key(PipelineSpec pipeline) {
    JsonObject json = pipeline.toJson();
    json.remove("quality");
    return json.encode();
  }
}
