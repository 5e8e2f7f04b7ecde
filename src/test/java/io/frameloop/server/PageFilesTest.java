package io.frameloop.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The files PageFiles serves as the client library are exactly what frameloop-client.js loads. */
class PageFilesTest {

  /** {@code from './x.js'} and {@code new URL('./x.json', import.meta.url)}: the ways a module names a file beside it. */
  private static final Pattern BESIDE = Pattern.compile("(?:from\\s+|new URL\\(\\s*)'\\./([\\w.-]+)'");

  @Test
  void theClientLibraryIsFrameloopClientJsAndEveryFileItLoads() throws IOException {
    Set<String> loaded = new TreeSet<>();
    Deque<String> toRead = new ArrayDeque<>(Set.of("frameloop-client.js"));
    while (!toRead.isEmpty()) {
      String file = toRead.pop();
      if (!loaded.add(file) || !file.endsWith(".js")) {
        continue;
      }
      Matcher beside = BESIDE.matcher(Files.readString(Path.of("webroot", file)));
      while (beside.find()) {
        toRead.push(beside.group(1));
      }
    }
    assertThat(loaded).as("the modules the library loads").contains("frame-header.js", "adaptive-constants.json");
    assertThat(new TreeSet<>(PageFiles.CLIENT_LIBRARY)).isEqualTo(loaded);
  }
}
