package io.frameloop.pipeline;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * Describes an op and creates its instances: the plug-in SPI.
 *
 * <p>Register an implementation with {@link OpRegistry#register}, or list it in
 * {@code META-INF/services/io.frameloop.pipeline.FrameOpFactory} to have it found by
 * {@link OpRegistry#fromClassPath} (it then needs a public no-arg constructor). Its {@link #name}
 * is what clients put in {@code "op"}. {@link SimpleOpFactory} implements the descriptive part.
 */
public interface FrameOpFactory {

  /** The op's name in pipeline messages, e.g. {@code "resize"}. */
  String name();

  /** One line for users, shown in the {@code hello} message. */
  String description();

  /** The parameters the op takes; the registry checks types, ranges and choices and fills defaults. */
  List<OpParam> params();

  /**
   * Receives the server's settings (flat keys, e.g. {@code "faceCascade"}), once, before
   * {@link OpRegistry#fromClassPath} registers the factory; ignore the keys you do not know.
   * A factory registered in code is configured by the code that makes it.
   */
  default void configure(JsonObject settings) {
  }

  /** Why the op cannot be used on this server (e.g. a missing data file), or empty when it can. */
  default Optional<String> unavailableReason() {
    return Optional.empty();
  }

  /**
   * More about the op for its entry in {@code hello} (e.g. the {@code faces} op's per-model
   * availability), merged into that entry; keys must not be {@code op}, {@code description},
   * {@code params}, {@code available} or {@code reason}. Empty by default.
   */
  default JsonObject details() {
    return new JsonObject();
  }

  /**
   * Checks rules that span parameters (e.g. "width or height"), after each parameter was checked
   * on its own.
   *
   * @throws IllegalArgumentException with a message for the client
   */
  default void validate(JsonObject params) {
  }

  /**
   * The parameters the pipeline keeps for the op, after {@link #validate}: what {@link #create} gets and
   * what the session echoes back in {@code pipeline} and {@code hello}. By default all of them, defaults
   * filled in; an op whose parameters belong to one of several choices (the {@code faces} op's models)
   * keeps only those of the choice made.
   */
  default JsonObject normalize(JsonObject params) {
    return params;
  }

  /**
   * How small an input the op may get, as a pipeline's first step, instead of the full
   * {@code width x height} image and still give the same output (e.g. a shrinking resize needs
   * only its target size); empty when it needs the full image. The worker then decodes the JPEG
   * at the largest reduction (1/2, 1/4, 1/8) that is still at least this size in both sides,
   * which is much cheaper than decoding in full.
   *
   * @param params normalized and valid, as for {@link #create}
   */
  default Optional<ImageSize> smallestInput(JsonObject params, int width, int height) {
    return Optional.empty();
  }

  /**
   * The size of the op's output for a {@code width x height} input. The worker walks a pipeline's
   * sizes from the JPEG header before decoding, and refuses a frame for which any step would make
   * an image over the {@link ImageLimits}; a session refuses a pipeline that would be over them
   * for every frame size. An op that changes the image's size must answer; the default is the
   * same size.
   *
   * @param params normalized and valid, as for {@link #create}
   */
  default ImageSize outputSize(JsonObject params, int width, int height) {
    return new ImageSize(width, height);
  }

  /**
   * What one frame's run of the op is expected to cost, in milliseconds of one worker thread, for a
   * {@code width x height} input: the session refuses a pipeline whose ops, with the decode and
   * encode, are predicted over {@code maxFrameCostMs} (see {@link CostModel}). The built-ins answer
   * from measured figures; the default, {@value #DEFAULT_COST_MS_PER_MEGAPIXEL} ms per megapixel,
   * is a pass or two over the pixels. An op that costs more should say so: one whose frames keep
   * taking longer than the budget has its pipeline reset, and the model corrects its prediction
   * from the times measured.
   *
   * @param params normalized and valid, as for {@link #create}
   */
  default double costMs(JsonObject params, int width, int height) {
    return DEFAULT_COST_MS_PER_MEGAPIXEL * width * (double) height / 1e6;
  }

  /** {@link #costMs}'s default for plug-ins. */
  double DEFAULT_COST_MS_PER_MEGAPIXEL = 5;

  /**
   * How a point of the op's output image maps back onto its input image: the worker follows these
   * from the last op to the frame the client sent, so that results are in that frame's pixels. The
   * default takes the output as the input scaled to its size (the identity when the size is the same):
   * right for ops that scale or keep the geometry; an op that mirrors, crops, pads or rotates must
   * answer (see {@link PixelMapping}).
   *
   * @param params normalized and valid, as for {@link #create}
   * @param input  the size of the image the op was given
   * @param output the size of the image it returned
   */
  default PixelMapping pixelMapping(JsonObject params, ImageSize input, ImageSize output) {
    return PixelMapping.scale(output, input);
  }

  /**
   * Creates an instance for one worker; {@code params} are normalized and valid. Implement this,
   * for an op that keeps its own Mats, or {@link #create(JsonObject, OpContext)}.
   */
  default FrameOp create(JsonObject params) {
    throw new UnsupportedOperationException("op '" + name() + "' implements neither create(params) nor create(params, context)");
  }

  /**
   * Creates an instance for one worker, with that worker's context: the op writes its result into
   * {@code context.output(input)} and uses its scratch and shared resources, so it keeps no image
   * of its own. What the worker calls; the default calls {@link #create(JsonObject)}.
   */
  default FrameOp create(JsonObject params, OpContext context) {
    return create(params);
  }
}
