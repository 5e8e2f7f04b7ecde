package io.frameloop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The replay client run as its command line runs it. */
public final class ReplayCli {

  private ReplayCli() {
  }

  /** What a replay run printed to standard output and error, and its exit code. */
  public record Outcome(int exit, String out, String err) {
  }

  /** Runs {@code frameloop replay ARGS}, whatever its exit code. */
  public static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    int exit;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      List<String> command = new ArrayList<>(List.of("replay"));
      command.addAll(List.of(args));
      exit = new CommandLine(new Main()).execute(command.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs {@code frameloop replay ARGS} and returns what it printed; it must exit 0. */
  public static String replay(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      List<String> command = new ArrayList<>(List.of("replay"));
      command.addAll(List.of(args));
      exit = new CommandLine(new Main()).execute(command.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    return printed;
  }
}
