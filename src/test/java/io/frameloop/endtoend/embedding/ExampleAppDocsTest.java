package io.frameloop.endtoend.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README says what the example app and CI do: its example pom is the example app's
 * {@code pom.xml} as it is, and its test command is the one {@code .ci/run} runs.
 */
class ExampleAppDocsTest {

  private static final String POM_HEADING = "### A complete example pom";

  @Test
  void theReadmesExamplePomIsTheExampleAppsPom() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf(POM_HEADING);
    assertThat(section).as("README has '%s'", POM_HEADING).isNotNegative();
    int start = readme.indexOf("```xml\n", section) + "```xml\n".length();
    int end = readme.indexOf("```\n", start);
    assertThat(readme.substring(start, end)).isEqualTo(Files.readString(Path.of("examples", "embedded-app", "pom.xml")));
  }

  @Test
  void theReadmesTestCommandIsWhatCiRuns() throws IOException {
    String testLine = Files.readAllLines(Path.of("README.md")).stream().filter(line -> line.startsWith("bash .ci/run "))
      .findFirst().orElseThrow(() -> new AssertionError("no 'bash .ci/run' line in README.md"));
    List<String> ci = Files.readAllLines(Path.of(".ci", "run"));
    String command = ci.get(ci.size() - 1);
    assertThat(command).startsWith("mvn ");
    assertThat(testLine).as("README's test command").endsWith("then runs " + command);
  }
}
