package io.frameloop.image;

import nu.pattern.OpenCV;
import org.opencv.core.Core;

/** Loads OpenCV's native library (bundled in the openpnp jar) once per JVM. */
public final class OpenCvLoader {

  private static volatile boolean loaded;

  private OpenCvLoader() {
  }

  public static synchronized void load() {
    if (!loaded) {
      OpenCV.loadLocally();
      loaded = true;
      System.getLogger(OpenCvLoader.class.getName()).log(System.Logger.Level.DEBUG, "OpenCV {0} loaded", Core.VERSION);
    }
  }
}
