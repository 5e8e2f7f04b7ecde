package io.frameloop.natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;

/**
 * FrameLoop's cache of native libraries copied out of jars (OpenCV's, ONNX Runtime's), so that they
 * are extracted once rather than at every start, and what a cached file must be before it is loaded.
 */
public final class NativeCache {

  private NativeCache() {
  }

  /** {@code $XDG_CACHE_HOME/frameloop} or {@code ~/.cache/frameloop}; null when neither is an absolute path (e.g. a user without a home). */
  public static Path directory() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "frameloop");
    }
    Path home = Path.of(System.getProperty("user.home", ""));
    return home.isAbsolute() ? home.resolve(".cache").resolve("frameloop") : null;
  }

  /** Ours and writable by no one else (links not followed): a shared cache cannot plant a library. */
  public static boolean ownedAndPrivate(Path path) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return attributes.owner().getName().equals(System.getProperty("user.name"))
      && !attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
      && !attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE);
  }
}
