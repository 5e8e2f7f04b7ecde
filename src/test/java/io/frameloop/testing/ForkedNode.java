package io.frameloop.testing;

import io.frameloop.cli.Main;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cluster worker node ({@code serve --cluster --role worker}) in a JVM of its own, configured by
 * {@code FRAMELOOP_*} variables, bound to loopback; its log goes to {@code target/NAME.log}.
 * {@link #kill} (and closing) is SIGKILL.
 */
public final class ForkedNode implements AutoCloseable {

  /** How long a forked JVM may take to say it is up (a loaded 2-core machine). */
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;

  private ForkedNode(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts a worker node and waits (at most 60 s) until it says it is ready. */
  public static ForkedNode startWorker(String name, Map<String, String> environment) throws IOException {
    return startWorker(name, environment, System.getProperty("java.class.path"), List.of());
  }

  /**
   * A worker node with these JVM options, e.g. {@code -Dhazelcast.max.no.heartbeat.seconds=5} for a
   * shortened heartbeat.
   */
  public static ForkedNode startWorker(String name, Map<String, String> environment, List<String> jvmOptions)
    throws IOException {
    return startWorker(name, environment, System.getProperty("java.class.path"), jvmOptions);
  }

  /**
   * A worker node whose class path lacks every entry containing {@code left}, e.g. "bytedeco": a node
   * without the video codecs.
   */
  public static ForkedNode startWorkerWithout(String left, String name, Map<String, String> environment) throws IOException {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(entry -> !entry.contains(left)).collect(Collectors.joining(File.pathSeparator));
    return startWorker(name, environment, classPath, List.of());
  }

  private static ForkedNode startWorker(String name, Map<String, String> environment, String classPath,
                                        List<String> jvmOptions) throws IOException {
    Map<String, String> env = new HashMap<>(environment);
    env.put("FRAMELOOP_NODE_NAME", name);
    return start(name, classPath, jvmOptions, List.of(Main.class.getName(), "serve", "--cluster", "--role", "worker", "--config",
      "no-config-file.json"), env, "ready");
  }

  /** Starts a {@link RogueNode} and waits until it has joined the cluster. */
  public static ForkedNode startRogue(String name, List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(RogueNode.class.getName()));
    command.addAll(arguments);
    return start(name, System.getProperty("java.class.path"), List.of(), command, Map.of(), "rogue node ready");
  }

  private static ForkedNode start(String name, String classPath, List<String> jvmOptions, List<String> mainAndArguments,
                                  Map<String, String> environment, String ready) throws IOException {
    Path log = Path.of("target", name + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx256m", "-cp", classPath));
    command.addAll(jvmOptions);
    command.addAll(mainAndArguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    ForkedNode node = new ForkedNode(builder.start(), log);
    try {
      Wait.until("the forked node " + name + " to start (see " + log + ")", STARTUP, Duration.ofMillis(100), () -> {
        if (Files.readString(log).contains(ready)) {
          return true;
        }
        if (!node.process.isAlive()) {
          throw new IllegalStateException("the forked node " + name + " exited before it started; see " + log);
        }
        return false;
      });
    } catch (RuntimeException | AssertionError e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** A free TCP port on loopback (for Hazelcast). */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP: the node freezes (as in a long GC pause or a suspended VM) until {@link #resume}. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }


  public String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }


  @Override
  public void close() {
    kill();
  }
}
