package io.frameloop.cli;

import io.frameloop.server.Cluster;
import io.frameloop.server.ConfigLoader;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.server.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: {@code java -jar frameloop-all.jar [serve] [--config config.json] [--port N]} runs
 * the server; {@code java -jar frameloop-all.jar replay ...} runs the load client.
 */
@Command(name = "frameloop", mixinStandardHelpOptions = true, version = "FrameLoop 0.1",
  description = "Streams webcam frames over a WebSocket and processes them with OpenCV.",
  subcommands = {Main.Serve.class, ReplayCommand.class, TokenCommand.class})
public final class Main implements Callable<Integer> {

  @CommandLine.Mixin
  Serve serve = new Serve();

  public static void main(String[] args) {
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** With no subcommand, serve. */
  @Override
  public Integer call() throws Exception {
    return serve.call();
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the server (the default command). Configuration: built-in defaults, then the config file, "
      + "then -Dframeloop.<field>=value, then FRAMELOOP_<FIELD> environment variables, then these options.")
  static final class Serve implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "config.json", description = "JSON configuration file (default: ${DEFAULT-VALUE}; optional)")
    String config;

    @Option(names = "--host", description = "address to listen on (overrides the configuration)")
    String host;

    @Option(names = "--port", description = "port to listen on, 0 for any free port (overrides the configuration)")
    Integer port;

    @Option(names = "--cluster", description = "join a Vert.x cluster (Hazelcast; see clusterHost, clusterPort, clusterMembers)")
    boolean cluster;

    @Option(names = "--role", description = "both (default), front (sessions only) or worker (processing only, no HTTP)")
    Role role;

    @Override
    public Integer call() throws Exception {
      FrameLoopOptions options;
      Vertx vertx;
      try {
        Vertx configVertx = Vertx.vertx();
        try {
          options = ConfigLoader.load(configVertx, config).await();
        } finally {
          configVertx.close().await();
        }
        if (host != null) {
          options.getHttpServerOptions().setHost(host);
        }
        if (port != null) {
          options.getHttpServerOptions().setPort(port);
        }
        if (role != null) {
          options.getClusterOptions().setRole(role);
        }
        options.setCluster(options.isCluster() || cluster);
        vertx = options.isCluster() ? Cluster.start(options.getClusterOptions()).await() : Vertx.vertx();
      } catch (Exception e) {
        System.err.println("FrameLoop failed to start: " + e.getMessage());
        return 1;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      AtomicReference<FrameLoopVerticle> server = new AtomicReference<>();
      // SIGTERM: the sessions drain first (goaway, their frames answered, 1012, for at most drainGraceMs; with 0 they
      // get 1001 at once) while the HTTP server and the workers still run, then everything is undeployed, the
      // cluster left, and the process exits.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        FrameLoopVerticle serving = server.get();
        Future<Void> drained = serving == null || serving.frameLoop() == null ? Future.succeededFuture()
          : serving.frameLoop().close();
        drained.eventually(vertx::close).onComplete(ar -> stopped.countDown());
        try {
          stopped.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      try {
        if (options.getClusterOptions().getRole() == Role.worker) {
          FrameLoopBootstrap.deployWorkers(vertx, options).await();
          System.out.println("FrameLoop worker node " + options.getNodeName() + " ready: " + options.effectiveWorkerInstances()
            + " workers on " + options.getWorkerOptions().getAddress());
        } else {
          FrameLoopVerticle serving = FrameLoopVerticle.create(options);
          server.set(serving);
          vertx.deployVerticle(serving).await();
        }
      } catch (Exception e) {
        System.err.println("FrameLoop failed to start: " + e.getMessage());
        vertx.close();
        return 1;
      }
      stopped.await();
      return 0;
    }
  }
}
