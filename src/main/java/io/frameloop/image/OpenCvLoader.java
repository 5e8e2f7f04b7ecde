package io.frameloop.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import nu.pattern.OpenCV;
import org.opencv.core.Core;

/**
 * Loads OpenCV's native library (bundled in the openpnp jar) once per JVM, single-threaded: the
 * parallelism is the worker verticles', one frame per worker; OpenCV's own threads would let one
 * expensive frame take every core from the other workers.
 *
 * <p>On Linux x86-64 the library (63 MB) is copied once into a cache directory
 * ({@code $XDG_CACHE_HOME/frameloop}, else {@code ~/.cache/frameloop}) and loaded from there on
 * every later start, rather than extracted anew into the temporary directory each time (where a
 * killed process leaves it behind). Elsewhere, or if the cache cannot be written, the openpnp
 * loader does as it always does.
 */
public final class OpenCvLoader {

  private static final System.Logger LOG = System.getLogger(OpenCvLoader.class.getName());
  private static final String LINUX_X64_LIBRARY = "nu/pattern/opencv/linux/x86_64/libopencv_java490.so";
  private static volatile boolean loaded;

  private OpenCvLoader() {
  }

  public static synchronized void load() {
    if (!loaded) {
      if (!loadFromCache()) {
        OpenCV.loadLocally();
      }
      Core.setNumThreads(1);
      loaded = true;
      LOG.log(System.Logger.Level.DEBUG, "OpenCV {0} loaded", Core.VERSION);
    }
  }

  private static boolean loadFromCache() {
    String arch = System.getProperty("os.arch", "");
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
      || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return false;
    }
    java.net.URL resource = OpenCvLoader.class.getClassLoader().getResource(LINUX_X64_LIBRARY);
    if (resource == null) {
      return false;
    }
    try (InputStream library = resource.openStream()) {
      // Named by its size too: another build of the jar's library never loads a stale copy.
      long size = resource.openConnection().getContentLengthLong();
      Path cached = cacheDirectory().resolve("libopencv_java490-" + size + ".so");
      if (!Files.isRegularFile(cached)) {
        Files.createDirectories(cached.getParent());
        // Written aside and moved in one step: another JVM starting at the same time sees all of it or none.
        Path partial = Files.createTempFile(cached.getParent(), "opencv-", ".partial");
        try {
          Files.copy(library, partial, StandardCopyOption.REPLACE_EXISTING);
          Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(partial);
        }
      }
      System.load(cached.toAbsolutePath().toString());
      return true;
    } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
      LOG.log(System.Logger.Level.DEBUG, "OpenCV's library could not be cached ({0}); extracting it to the temporary directory", e.toString());
      return false;
    }
  }

  private static Path cacheDirectory() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("frameloop");
  }
}
