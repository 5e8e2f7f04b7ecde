package io.frameloop.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Files of a directory a user hands the replay client, which may be hostile: only regular files,
 * each within a size limit. A symbolic link is refused and never followed (even one swapped in after
 * the check: the open does not follow it), a device such as {@code /dev/zero} or a FIFO (whose open
 * would block) is refused before it is opened, and no more than the limit is read even from a file
 * that grows meanwhile.
 */
public final class RegularFiles {

  private RegularFiles() {
  }

  /**
   * Opens {@code file} to read when it is a regular file of at most {@code maxBytes}.
   *
   * @throws IllegalArgumentException for a link, a device, a FIFO, a directory or a file over the limit, naming it
   */
  public static InputStream open(Path file, long maxBytes) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new IllegalArgumentException(file + ": a symbolic link; only regular files are read, links are not followed");
    }
    if (!attributes.isRegularFile()) {
      throw new IllegalArgumentException(file + ": not a regular file (a device, a FIFO or a directory); only regular"
        + " files are read");
    }
    if (attributes.size() > maxBytes) {
      throw new IllegalArgumentException(file + ": " + attributes.size() + " bytes, over the limit of " + maxBytes
        + " bytes for one file");
    }
    return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The bytes of {@code file}, a regular file of at most {@code maxBytes}.
   *
   * @throws IllegalArgumentException as {@link #open}, or when the file grew past the limit while it was read
   */
  public static byte[] read(Path file, int maxBytes) throws IOException {
    try (InputStream in = open(file, maxBytes)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new IllegalArgumentException(file + ": grew over the limit of " + maxBytes + " bytes while it was read");
      }
      return bytes;
    }
  }
}
