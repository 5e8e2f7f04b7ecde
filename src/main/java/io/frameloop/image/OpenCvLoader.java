package io.frameloop.image;

import io.frameloop.natives.NativeCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    URL resource = OpenCvLoader.class.getClassLoader().getResource(LINUX_X64_LIBRARY);
    Path directory = NativeCache.directory();
    if (resource == null || directory == null) {
      return false;
    }
    try {
      URLConnection connection = resource.openConnection();
      long size = connection.getContentLengthLong();
      long crc = connection instanceof JarURLConnection jar ? jar.getJarEntry().getCrc() : -1;
      if (size <= 0 || crc < 0) {
        return false; // not from a jar (an exploded class path): nothing to name the copy by
      }
      // Named by the jar entry's checksum and size: another build of the library never loads a stale copy.
      Path cached = directory.resolve("libopencv_java490-" + Long.toHexString(crc) + "-" + size + ".so");
      if (!trusted(cached, size)) {
        copy(resource, directory, cached);
      }
      if (!trusted(cached, size)) {
        return false;
      }
      System.load(cached.toAbsolutePath().toString());
      return true;
    } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
      LOG.log(System.Logger.Level.DEBUG, "OpenCV's library could not be cached ({0}); extracting it to the temporary directory", e.toString());
      return false;
    }
  }

  /** A regular file (not a link), of the expected size, ours and writable by no one else: a shared cache cannot plant a library. */
  private static boolean trusted(Path file, long size) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
      return false;
    }
    return NativeCache.ownedAndPrivate(file);
  }

  private static void copy(URL resource, Path directory, Path cached) throws IOException {
    Files.createDirectories(directory);
    // Left-overs of a copy that a killed process did not finish.
    try (var stale = Files.newDirectoryStream(directory, "opencv-*.partial")) {
      for (Path partial : stale) {
        if (Files.getLastModifiedTime(partial).toMillis() < System.currentTimeMillis() - 600_000) {
          Files.deleteIfExists(partial);
        }
      }
    }
    // Written aside, synced, and moved in one step: another JVM starting at the same time sees all of it or none.
    Path partial = Files.createTempFile(directory, "opencv-", ".partial");
    try (InputStream library = resource.openStream();
         FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      library.transferTo(Channels.newOutputStream(out));
      out.force(true);
    }
    try {
      Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
