package io.frameloop.image;

import java.util.concurrent.atomic.AtomicLong;
import org.opencv.core.Mat;

/**
 * Counts the OpenCV {@link Mat}s FrameLoop holds, so a test or a soak run can prove that native
 * memory is given back: every {@link #track} is matched by a {@link #release}.
 */
public final class NativeMats {

  private static final AtomicLong LIVE = new AtomicLong();

  private NativeMats() {
  }

  /** Counts a Mat this code now owns and returns it. */
  public static <M extends Mat> M track(M mat) {
    LIVE.incrementAndGet();
    return mat;
  }

  /** A new, empty, counted Mat. */
  public static Mat create() {
    return track(new Mat());
  }

  /** Releases a counted Mat's native memory; {@code null} is ignored. */
  public static void release(Mat mat) {
    if (mat != null) {
      mat.release();
      LIVE.decrementAndGet();
    }
  }

  /** How many counted Mats are alive now. */
  public static long live() {
    return LIVE.get();
  }
}
