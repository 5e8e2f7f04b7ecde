package io.frameloop.endtoend.packaging;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The instructions of {@code src/main/docker/Dockerfile}, as Docker reads them: comments dropped, lines ending in a
 * backslash joined, each as its keyword and the rest. Enough of the format for the tests that check the file
 * against the build (this machine has no Docker daemon to build the image).
 */
record DockerfileInstructions(List<Instruction> instructions) {

  static final Path FILE = Path.of("src", "main", "docker", "Dockerfile");

  record Instruction(String keyword, String arguments) {
  }

  static DockerfileInstructions read() throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(FILE)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String joined = pending.toString().strip();
      pending.setLength(0);
      if (!joined.isEmpty()) {
        String[] parts = joined.split("\\s+", 2);
        instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
      }
    }
    return new DockerfileInstructions(instructions);
  }

  List<String> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
  }

  /** The one instruction of this keyword (FROM, USER, EXPOSE, ENTRYPOINT, CMD). */
  String one(String keyword) {
    List<String> found = all(keyword);
    if (found.size() != 1) {
      throw new AssertionError(FILE + " has " + found.size() + " " + keyword + " instructions, not one");
    }
    return found.get(0);
  }

  /** COPY's sources (relative to the build context, the repository root) and their destinations in the image. */
  Map<String, String> copies() {
    return all("COPY").stream().map(arguments -> arguments.split("\\s+"))
      .collect(Collectors.toMap(parts -> parts[0], parts -> parts[1]));
  }

  /** ENV's names and values ({@code ENV NAME=value}). */
  Map<String, String> environment() {
    return all("ENV").stream().map(arguments -> arguments.split("=", 2))
      .collect(Collectors.toMap(parts -> parts[0], parts -> parts[1]));
  }

  /** An exec-form instruction's words: ENTRYPOINT ["java", "-jar", ...]. */
  List<String> execForm(String keyword) {
    return new JsonArray(one(keyword)).stream().map(String::valueOf).toList();
  }

  /** What the RUN instructions install with apt-get. */
  List<String> aptPackages() {
    List<String> packages = new ArrayList<>();
    Matcher install = Pattern.compile("apt-get install ((?:-\\S+\\s+)*)([^&]+)").matcher(String.join(" && ", all("RUN")));
    while (install.find()) {
      for (String word : install.group(2).trim().split("\\s+")) {
        if (!word.startsWith("-")) {
          packages.add(word);
        }
      }
    }
    return packages;
  }

  /** The value of {@code --option VALUE} in the RUN instructions (e.g. useradd's --uid). */
  String runOption(String option) {
    Matcher value = Pattern.compile(Pattern.quote(option) + "\\s+(\\S+)").matcher(String.join(" ", all("RUN")));
    if (!value.find()) {
      throw new AssertionError(FILE + " runs nothing with " + option);
    }
    return value.group(1);
  }
}
