package io.frameloop.image;

import nu.pattern.OpenCV;
import org.opencv.core.Core;

/**
 * Loads OpenCV's native library (bundled in the openpnp jar) once per JVM, single-threaded: the
 * parallelism is the worker verticles', one frame per worker; OpenCV's own threads would let one
 * expensive frame take every core from the other workers.
 */
public final class OpenCvLoader {

  private static volatile boolean loaded;

  private OpenCvLoader() {
  }

  public static synchronized void load() {
    if (!loaded) {
      OpenCV.loadLocally();
      Core.setNumThreads(1);
      loaded = true;
      System.getLogger(OpenCvLoader.class.getName()).log(System.Logger.Level.DEBUG, "OpenCV {0} loaded", Core.VERSION);
    }
  }
}
