package io.frameloop.pipeline;

import io.frameloop.image.NativeMats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.opencv.core.Mat;

/**
 * What a worker lends the ops it runs: a pair of output images, scratch images, and resources
 * shared by every op of the worker (e.g. a loaded classifier). One per {@link FrameProcessor},
 * used on its thread only, released when it closes.
 *
 * <p>Ops run one after another, so two output images are enough for any number of them: each op
 * writes into {@link #output}, the one its input is not. A pipeline of N such ops holds two
 * images, not N. Ops own none of these Mats: they never release them.
 */
public final class OpContext implements AutoCloseable {

  /** Scratch slots an op may use; more would only let a pipeline hold more memory. */
  public static final int MAX_SCRATCH = 4;

  private final Mat[] outputs = {NativeMats.create(), NativeMats.create()};
  private final List<Mat> scratch = new ArrayList<>();
  private final Map<String, Shared<?>> shared = new LinkedHashMap<>();
  private FrameResults results;

  private record Shared<T>(T value, Consumer<? super T> releaser) {
    void release() {
      releaser.accept(value);
    }
  }

  /**
   * The Mat to write an op's result into: never {@code input} itself. It stays valid while the
   * next op runs (it is that op's input) and is overwritten by the op after.
   */
  public Mat output(Mat input) {
    return input == outputs[0] ? outputs[1] : outputs[0];
  }

  /**
   * Scratch Mat number {@code slot} (0 to {@link #MAX_SCRATCH} - 1), for results an op needs only
   * while it runs: the next op gets the same Mats.
   */
  public Mat scratch(int slot) {
    if (slot < 0 || slot >= MAX_SCRATCH) {
      throw new IndexOutOfBoundsException("scratch slot " + slot + " (0 to " + (MAX_SCRATCH - 1) + ")");
    }
    while (scratch.size() <= slot) {
      scratch.add(NativeMats.create());
    }
    return scratch.get(slot);
  }

  /**
   * The worker's resource under {@code key}, made by {@code make} on first use and shared by every
   * op of this worker from then on (a worker runs one op at a time, so it needs no locking);
   * {@code release} is called when the worker closes. Use keys of your op's own, e.g. its name.
   */
  @SuppressWarnings("unchecked")
  public <T> T shared(String key, Supplier<? extends T> make, Consumer<? super T> release) {
    Shared<?> resource = shared.get(key);
    if (resource == null) {
      resource = new Shared<T>(make.get(), release);
      shared.put(key, resource);
    }
    return (T) resource.value();
  }

  /**
   * Where an op reports what it found in the frame it processes (detections, its own JSON object):
   * call it from {@link FrameOp#apply}, on every frame, also when nothing is found, so that the
   * frame has results (an empty list). Coordinates are in the pixels of the image the op was given.
   *
   * @throws IllegalStateException outside a frame's processing
   */
  public FrameResults results() {
    if (results == null) {
      throw new IllegalStateException("results are reported while the op processes a frame, from its apply");
    }
    results.markReported();
    return results;
  }

  /** The frame's results collector, until {@link #endFrame}. */
  void beginFrame(FrameResults frame) {
    results = frame;
  }

  void endFrame() {
    if (results != null) {
      results.seal();
    }
    results = null;
  }

  /** Whether {@code mat} is one of this context's Mats (and so no op's own). */
  boolean owns(Mat mat) {
    return mat == outputs[0] || mat == outputs[1] || scratch.contains(mat)
      || shared.values().stream().anyMatch(resource -> resource.value() == mat);
  }

  /** The pixel memory of the outputs, the scratch and the shared Mats, in bytes. */
  long nativeBytes() {
    long bytes = bytes(outputs[0]) + bytes(outputs[1]);
    for (Mat mat : scratch) {
      bytes += bytes(mat);
    }
    for (Shared<?> resource : shared.values()) {
      if (resource.value() instanceof Mat mat) {
        bytes += bytes(mat);
      }
    }
    return bytes;
  }

  static long bytes(Mat mat) {
    return mat.total() * mat.elemSize();
  }

  @Override
  public void close() {
    NativeMats.release(outputs[0]);
    NativeMats.release(outputs[1]);
    scratch.forEach(NativeMats::release);
    scratch.clear();
    shared.values().forEach(Shared::release);
    shared.clear();
  }
}
