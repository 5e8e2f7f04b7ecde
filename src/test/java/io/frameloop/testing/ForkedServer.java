package io.frameloop.testing;

import io.frameloop.cli.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A FrameLoop server in a JVM of its own, with a small heap: for tests where the server's memory
 * is the point. Configured by {@code FRAMELOOP_*} variables, on a free loopback port; its log
 * goes to {@code target/NAME.log}. Closing it kills the process.
 */
public final class ForkedServer implements AutoCloseable {

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
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Path.of("target", name + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx" + maxHeap));
    command.addAll(systemProperties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
      "serve", "--config", configFile, "--host", "127.0.0.1", "--port", Integer.toString(port)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    ForkedServer server = new ForkedServer(builder.start(), port, log);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.readString(log).contains("FrameLoop listening")) {
      if (!server.process.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException("the forked server did not start; see " + log);
      }
      sleep(100);
    }
    return server;
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The server's heap in use now, from its {@code /metrics}. */
  public long heapUsedBytes() {
    double sum = 0;
    for (String line : Http.get(port, "/metrics").body().split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
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

  public String log() throws IOException {
    return Files.readString(log);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
