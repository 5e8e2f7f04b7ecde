package io.frameloop.inference;

import io.frameloop.natives.NativeCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

/**
 * Puts ONNX Runtime's native libraries in FrameLoop's cache directory ({@code $XDG_CACHE_HOME/frameloop},
 * else {@code ~/.cache/frameloop}, as OpenCV's) once, and points ONNX Runtime at them, before its
 * first use in this JVM.
 *
 * <p>Left to itself, ONNX Runtime (1.20) extracts its libraries from its jar into a new
 * {@code onnxruntime-java*} directory in the temporary directory at every start, and that directory
 * stays behind even after a clean exit: its delete-on-exit is registered after its files' and so runs
 * first, on a directory that is not empty yet. The way its maintainers document is the system property
 * {@value #NATIVE_PATH}, a directory holding the libraries, which this class sets unless the user set
 * it or another of ONNX Runtime's {@code onnxruntime.native.*} properties. ONNX Runtime still makes
 * its temporary directory, but leaves it empty, and its own delete-on-exit then removes it (a process
 * killed with SIGKILL keeps that empty directory).
 *
 * <p>The copy is named by the libraries' checksums and sizes in the jar, so another ONNX Runtime
 * version never loads a stale one, written aside and moved in with one rename, and used only when it
 * and its files are ours and writable by no one else. When anything fails, or the libraries are not
 * in a jar, nothing is set and ONNX Runtime loads them as it always does.
 */
final class OnnxNatives {

  static final String NATIVE_PATH = "onnxruntime.native.path";
  /** The prefix of every system property by which ONNX Runtime lets a user say where its libraries are. */
  private static final String USER_SETTINGS = "onnxruntime.native.";
  /** The libraries every ONNX Runtime jar has for its platform; the GPU jar adds its providers beside them. */
  private static final String LIBRARY = "onnxruntime";
  private static final String PARTIAL_PREFIX = "onnxruntime-partial-";
  private static final System.Logger LOG = System.getLogger(OnnxNatives.class.getName());
  private static boolean prepared;

  private OnnxNatives() {
  }

  /** Sets {@value #NATIVE_PATH} to the cached libraries, copying them there the first time; once per JVM. */
  static synchronized void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    if (System.getProperties().stringPropertyNames().stream().anyMatch(name -> name.startsWith(USER_SETTINGS))) {
      return; // the user's own libraries: onnxruntime.native.path, or a library's own .path or .skip
    }
    String platform = platform();
    Path cache = NativeCache.directory();
    URL library = platform == null ? null
      : OnnxNatives.class.getClassLoader().getResource(platform + System.mapLibraryName(LIBRARY));
    if (library == null || cache == null) {
      return;
    }
    try {
      Path directory = cached(library, platform, cache);
      if (directory != null) {
        System.setProperty(NATIVE_PATH, directory.toAbsolutePath().toString());
        LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime''s libraries loaded from {0}", directory);
      }
    } catch (IOException | SecurityException e) {
      LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime''s libraries could not be cached ({0}); it extracts them itself", e.toString());
    }
  }

  /** The resource folder of this platform's libraries in ONNX Runtime's jar, or null for one it does not ship. */
  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "osx"
      : os.contains("win") ? "win" : null;
    String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
    return osName == null || archName == null ? null : "ai/onnxruntime/native/" + osName + "-" + archName + "/";
  }

  /** The cached copy of the platform folder of {@code library}'s jar, made now if missing; null when it cannot be trusted. */
  private static Path cached(URL library, String platform, Path cache) throws IOException {
    URLConnection connection = library.openConnection();
    if (!(connection instanceof JarURLConnection jar)) {
      return null; // not from a jar (an exploded class path): nothing to name the copy by
    }
    connection.setUseCaches(false);
    try (JarFile file = jar.getJarFile()) {
      List<JarEntry> entries = Collections.list(file.entries()).stream()
        .filter(entry -> !entry.isDirectory() && entry.getName().startsWith(platform)
          && entry.getName().indexOf('/', platform.length()) < 0)
        .toList();
      Path directory = cache.resolve(LIBRARY + "-" + Long.toHexString(fingerprint(entries)));
      if (!trusted(directory, entries, platform)) {
        deleteTree(directory); // a copy cut short or changed since: made again
        copy(file, entries, platform, cache, directory);
      }
      return trusted(directory, entries, platform) ? directory : null;
    }
  }

  /** A checksum of the libraries' names, checksums and sizes in the jar. */
  private static long fingerprint(List<JarEntry> entries) {
    CRC32 crc = new CRC32();
    for (JarEntry entry : entries) {
      crc.update((entry.getName() + ":" + entry.getCrc() + ":" + entry.getSize() + ";").getBytes(StandardCharsets.UTF_8));
    }
    return crc.getValue();
  }

  /** The directory and each library in it: ours, not a link, writable by no one else, each of its size in the jar. */
  private static boolean trusted(Path directory, List<JarEntry> entries, String platform) throws IOException {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS) || !NativeCache.ownedAndPrivate(directory)) {
      return false;
    }
    for (JarEntry entry : entries) {
      Path library = directory.resolve(entry.getName().substring(platform.length()));
      if (!Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS) || Files.size(library) != entry.getSize()
        || !NativeCache.ownedAndPrivate(library)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the libraries into a directory aside, synced, and renames it into place in one step: another
   * JVM starting at the same time sees all of them or none. When that other JVM renamed its copy in
   * first, ours is deleted and theirs used.
   */
  private static void copy(JarFile jar, List<JarEntry> entries, String platform, Path cache, Path directory) throws IOException {
    Files.createDirectories(cache);
    deleteStalePartials(cache);
    // createTempDirectory makes it rwx for the owner only.
    Path partial = Files.createTempDirectory(cache, PARTIAL_PREFIX);
    try {
      for (JarEntry entry : entries) {
        Path target = partial.resolve(entry.getName().substring(platform.length()));
        try (InputStream in = jar.getInputStream(entry);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          in.transferTo(Channels.newOutputStream(out));
          out.force(true);
        }
      }
      Files.move(partial, directory, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
      // Another JVM's copy arrived first; trusted() decides whether it is used.
    } finally {
      deleteTree(partial);
    }
  }

  /** Left-overs of copies that a killed process did not finish, older than ten minutes. */
  private static void deleteStalePartials(Path cache) throws IOException {
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> partials = Files.newDirectoryStream(cache, PARTIAL_PREFIX + "*")) {
      for (Path partial : partials) {
        if (Files.getLastModifiedTime(partial, LinkOption.NOFOLLOW_LINKS).toMillis() < System.currentTimeMillis() - 600_000) {
          stale.add(partial);
        }
      }
    }
    for (Path partial : stale) {
      deleteTree(partial);
    }
  }

  /** Deletes a copy (a directory of files, no links followed) if it is there. */
  private static void deleteTree(Path copy) throws IOException {
    if (!Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(copy)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(copy);
  }
}
