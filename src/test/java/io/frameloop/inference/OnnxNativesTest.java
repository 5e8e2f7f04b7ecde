package io.frameloop.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's native libraries are copied once into FrameLoop's cache directory and loaded from
 * there: a server started and stopped (in a JVM of its own, with a temporary directory of its own)
 * extracts nothing into the temporary directory and leaves no {@code onnxruntime-java*} directory
 * behind, and the next start reuses the copy.
 */
class OnnxNativesTest {

  @Test
  void aServerStartAndStopLeavesNoOnnxRuntimeDirectoryInTheTemporaryDirectory(@TempDir Path dir) throws Exception {
    Path temporary = Files.createDirectories(dir.resolve("tmp"));
    Path cache = dir.resolve("cache");

    List<String> first = run(temporary, cache, dir.resolve("first.txt"));
    assertThat(first).contains("PROCESSED 7", "STOPPED");
    assertThat(first.stream().filter(line -> line.startsWith("DURING ")))
      .as("ONNX Runtime's own temporary directory holds no library while it runs").allMatch(line -> line.endsWith(" 0"));
    assertThat(onnxRuntimeDirectories(temporary)).as("left in the temporary directory").isEmpty();

    List<Path> copies;
    try (Stream<Path> cached = Files.list(cache.resolve("frameloop"))) {
      copies = cached.filter(p -> p.getFileName().toString().startsWith("onnxruntime-")).toList();
    }
    assertThat(copies).as("the libraries' copy in the cache").hasSize(1);
    Path copy = copies.get(0);
    Map<String, FileTime> libraries = modified(copy);
    assertThat(libraries).containsKeys("libonnxruntime.so", "libonnxruntime4j_jni.so");

    List<String> second = run(temporary, cache, dir.resolve("second.txt"));
    assertThat(second).contains("PROCESSED 7", "STOPPED");
    assertThat(modified(copy)).as("the copy reused, not made again").isEqualTo(libraries);
    assertThat(onnxRuntimeDirectories(temporary)).as("left in the temporary directory after the second run").isEmpty();
  }

  private static List<String> run(Path temporary, Path cache, Path out) throws IOException, InterruptedException {
    Path err = Path.of("target", "onnx-natives-run.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
      "-Djava.io.tmpdir=" + temporary, "-cp", System.getProperty("java.class.path"), BlazeFaceServerRun.class.getName())
      .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("XDG_CACHE_HOME", cache.toString());
    Process run = builder.start();
    boolean exited = run.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      run.destroyForcibly().waitFor();
    }
    assertThat(exited).as("the run ended within 120 s").isTrue();
    assertThat(run.exitValue()).as(() -> "the run's exit status; its log: " + read(err)).isZero();
    return Files.readAllLines(out);
  }

  private static List<Path> onnxRuntimeDirectories(Path temporary) throws IOException {
    try (Stream<Path> entries = Files.list(temporary)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java")).toList();
    }
  }

  private static Map<String, FileTime> modified(Path copy) throws IOException {
    try (Stream<Path> files = Files.list(copy)) {
      return files.collect(Collectors.toMap(p -> p.getFileName().toString(), p -> {
        try {
          return Files.getLastModifiedTime(p);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }));
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
