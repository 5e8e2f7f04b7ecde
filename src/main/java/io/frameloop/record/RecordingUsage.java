package io.frameloop.record;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the recordings in {@code recordDir} take, as {@code recordMaxBytes} counts it (every regular
 * file at least a block), measured at each start on the writer thread (only there). A completed
 * recording (no {@code INCOMPLETE} marker) never changes, so its size is kept until its directory's
 * modification time changes (a file added or removed): a start walks only the running and the
 * unfinished recordings, not every frame file of a hundred old ones. Links are not followed.
 */
final class RecordingUsage {

  private record Measured(FileTime modified, long bytes) {
  }

  private final Map<String, Measured> completed = new HashMap<>();

  /** The bytes under {@code root} now; 0 when it does not exist yet. */
  long measure(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      completed.clear();
      return 0;
    }
    long total = 0;
    Set<String> seen = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        BasicFileAttributes attributes = attributes(entry);
        if (attributes == null) {
          continue; // removed meanwhile
        }
        if (!attributes.isDirectory()) {
          total += attributes.isRegularFile() ? blocks(attributes.size()) : 0;
          continue;
        }
        String name = entry.getFileName().toString();
        seen.add(name);
        Measured known = completed.get(name);
        if (known != null && known.modified().equals(attributes.lastModifiedTime())) {
          total += known.bytes();
          continue;
        }
        long bytes = directory(entry);
        if (Files.exists(entry.resolve(RecordingFormat.INCOMPLETE), LinkOption.NOFOLLOW_LINKS)) {
          completed.remove(name); // running (its files grow) or left unfinished: measured each time
        } else {
          completed.put(name, new Measured(attributes.lastModifiedTime(), bytes));
        }
        total += bytes;
      }
    }
    completed.keySet().retainAll(seen);
    return total;
  }

  private static long directory(Path dir) throws IOException {
    long bytes = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        BasicFileAttributes attributes = attributes(file);
        if (attributes != null && attributes.isRegularFile()) {
          bytes += blocks(attributes.size());
        }
      }
    }
    return bytes;
  }

  private static BasicFileAttributes attributes(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException goneOrUnreadable) {
      return null;
    }
  }

  private static long blocks(long size) {
    return Math.max(size, RecordingFormat.MIN_FRAME_FILE_BYTES);
  }
}
