package io.frameloop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/TESTING.md names test classes and methods ({@code LimitsTest.maxPixelsAlone…}); each one
 * must still exist under that name, so a moved or renamed test cannot leave the document behind.
 */
class TestingDocNamesTest {

  private static final Path DOC = Path.of("docs", "TESTING.md");
  private static final Path TESTS = Path.of("src", "test", "java");
  /** {@code SomeTest}, {@code SomeTest.method} or {@code SomeTest.methodPrefix…} (the document shortens long names). */
  private static final Pattern NAME = Pattern.compile("\\b([A-Z]\\w*Test)(?!\\w)(?:\\.([a-z]\\w*)(…)?)?");

  @Test
  void everyTestClassAndMethodTheDocumentNamesExists() throws IOException {
    Map<String, List<Path>> sources = testSources();
    String doc = Files.readString(DOC);
    List<String> missing = new ArrayList<>();
    int names = 0;
    Matcher name = NAME.matcher(doc);
    while (name.find()) {
      names++;
      List<Path> files = sources.getOrDefault(name.group(1), List.of());
      if (files.size() != 1) {
        missing.add(name.group() + (files.isEmpty() ? ": no such class" : ": " + files.size() + " classes of that name"));
        continue;
      }
      if (name.group(2) != null) {
        String method = Pattern.quote(name.group(2)) + (name.group(3) != null ? "\\w*" : "");
        if (!Pattern.compile("\\bvoid " + method + "\\(").matcher(Files.readString(files.get(0))).find()) {
          missing.add(name.group() + ": no such method in " + files.get(0));
        }
      }
    }
    assertThat(names).as("test names found in " + DOC).isGreaterThan(20);
    assertThat(missing).as("names in " + DOC + " that no test has").isEmpty();
  }

  private static Map<String, List<Path>> testSources() throws IOException {
    try (Stream<Path> files = Files.walk(TESTS)) {
      return files.filter(file -> file.getFileName().toString().endsWith("Test.java"))
        .collect(Collectors.groupingBy(file -> file.getFileName().toString().replace(".java", "")));
    }
  }
}
