package io.frameloop.pipeline;

import org.opencv.core.Mat;

/**
 * One processing step of a pipeline: the plug-in SPI's working half.
 *
 * <p>An op instance belongs to one worker and is only ever called from that worker's thread.
 * Ownership rules:
 * <ul>
 *   <li>{@link #apply} may modify {@code image} in place and return it, return the worker's
 *       {@link OpContext#output} Mat it wrote into (made with
 *       {@link FrameOpFactory#create(io.vertx.core.json.JsonObject, OpContext)}), or return a
 *       {@code Mat} the op owns; it never releases {@code image} and keeps no reference to it after
 *       returning;</li>
 *   <li>{@link #close} releases every {@code Mat} the op owns (none of the context's).</li>
 * </ul>
 * An op that owns Mats keeps them across frames (reuse them: OpenCV's {@code create} is a no-op
 * when size and type already match); each holds an image per op instance, which is why the
 * built-in ops write into the context instead.
 */
public interface FrameOp extends AutoCloseable {

  /** Processes one image (8-bit, 1 or 3 channels, BGR) and returns the result. */
  Mat apply(Mat image);

  @Override
  default void close() {
  }
}
