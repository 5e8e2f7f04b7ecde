package io.frameloop.testing;

import io.frameloop.cli.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A FrameLoop server in a JVM of its own, with a small heap: for tests where the server's memory
 * is the point. Configured by {@code FRAMELOOP_*} variables, on a free loopback port; its log
 * goes to {@code target/NAME.log}. Closing it kills the process.
 */
public final class ForkedServer implements AutoCloseable {

  /** How long a forked JVM may take to say it is up (a loaded 2-core machine). */
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;

  private ForkedServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static ForkedServer start(String name, String maxHeap, Map<String, String> environment) throws IOException {
    return start(name, maxHeap, environment, List.of(), "no-config-file.json");
  }

  /**
   * As the command line starts it: {@code java -Dframeloop.*... Main serve --config FILE --host
   * 127.0.0.1 --port N}, with {@code FRAMELOOP_*} variables in its environment.
   *
   * @param systemProperties JVM options such as {@code -Dframeloop.maxOps=4}
   */
  public static ForkedServer start(String name, String maxHeap, Map<String, String> environment, List<String> systemProperties,
                                   String configFile) throws IOException {
    return start(name, maxHeap, environment, systemProperties, configFile, System.getProperty("java.class.path"));
  }

  /** With this class path, e.g. the test's own without an optional dependency's jars. */
  public static ForkedServer start(String name, String maxHeap, Map<String, String> environment, List<String> systemProperties,
                                   String configFile, String classPath) throws IOException {
    return start(name, maxHeap, environment, systemProperties, configFile, classPath, freePort());
  }

  /** On this port, e.g. the one a server that was stopped had: a restart. */
  public static ForkedServer startOnPort(String name, String maxHeap, int port) throws IOException {
    return start(name, maxHeap, Map.of(), List.of(), "no-config-file.json", System.getProperty("java.class.path"), port);
  }

  private static ForkedServer start(String name, String maxHeap, Map<String, String> environment, List<String> systemProperties,
                                    String configFile, String classPath, int port) throws IOException {
    return launch(name, maxHeap, environment, systemProperties, List.of("-cp", classPath, Main.class.getName()), configFile, port);
  }

  /** The runnable jar as a user runs it, {@code java -jar JAR serve ...}, with no configuration file, on a free port. */
  public static ForkedServer startJar(String name, String maxHeap, Path jar) throws IOException {
    return launch(name, maxHeap, Map.of(), List.of(), List.of("-jar", jar.toString()), "no-config-file.json", freePort());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** {@code program}: what follows the JVM's options up to the command line's arguments ({@code -cp ... Main} or {@code -jar ...}). */
  private static ForkedServer launch(String name, String maxHeap, Map<String, String> environment, List<String> systemProperties,
                                     List<String> program, String configFile, int port) throws IOException {
    Path log = Path.of("target", name + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx" + maxHeap));
    command.addAll(systemProperties);
    command.addAll(program);
    command.addAll(List.of("serve", "--config", configFile, "--host", "127.0.0.1", "--port", Integer.toString(port)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    ForkedServer server = new ForkedServer(builder.start(), port, log);
    try {
      Wait.until("the forked server to start (see " + log + ")", STARTUP, Duration.ofMillis(100), () -> {
        if (Files.readString(log).contains("FrameLoop listening")) {
          return true;
        }
        if (!server.process.isAlive()) {
          throw new IllegalStateException("the forked server did not start: it exited; see " + log);
        }
        return false;
      });
    } catch (RuntimeException | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Dumps the server's live heap (jcmd GC.heap_dump: a full GC first, unreachable objects left out)
   * to {@code file}, which must not exist yet.
   */
  public void dumpLiveHeap(Path file) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
      Long.toString(process.pid()), "GC.heap_dump", file.toAbsolutePath().toString()).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes());
    if (jcmd.waitFor() != 0 || !Files.exists(file)) {
      throw new IllegalStateException("jcmd GC.heap_dump failed: " + output);
    }
  }

  /** The server's heap in use now, from its {@code /metrics}. */
  public long heapUsedBytes() {
    return (long) Metrics.scrape(port).sum("jvm_memory_used_bytes{area=\"heap\"");
  }

  /** The server's resident memory now (Linux {@code /proc}). */
  public long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for the forked server");
  }

  /** The server's CPU time so far, user and system (Linux {@code /proc}, at its 100 ticks a second). */
  public long cpuNanos() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }


  /** SIGTERM, as a deploy stops a server, and waits until the process has exited: its exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
