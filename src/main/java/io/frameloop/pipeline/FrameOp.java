package io.frameloop.pipeline;

import org.opencv.core.Mat;

/**
 * One processing step of a pipeline: the plug-in SPI's working half.
 *
 * <p>An op instance belongs to one worker and is only ever called from that worker's thread, so it
 * may keep scratch and output {@link Mat}s across frames (reuse them: OpenCV's {@code create} is a
 * no-op when size and type already match). Ownership rules:
 * <ul>
 *   <li>{@link #apply} may modify {@code image} in place and return it, or return a {@code Mat} the op
 *       owns; it never releases {@code image} and keeps no reference to it after returning;</li>
 *   <li>{@link #close} releases every {@code Mat} the op owns.</li>
 * </ul>
 */
public interface FrameOp extends AutoCloseable {

  /** Processes one image (8-bit, 1 or 3 channels, BGR) and returns the result. */
  Mat apply(Mat image);

  @Override
  default void close() {
  }
}
