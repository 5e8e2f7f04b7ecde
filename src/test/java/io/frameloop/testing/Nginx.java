package io.frameloop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx in front of FrameLoop nodes, running the documented configuration
 * ({@code docs/nginx.conf}) with this test's upstreams, port, certificate and path prefix put in.
 * It runs in the foreground ({@code daemon off;}) from a temp directory of its own (config, pid,
 * logs, temp files), listens on a free loopback port, and stops on {@link #close} or when the JVM
 * exits.
 *
 * <pre>{@code
 * try (Nginx nginx = Nginx.builder().upstream(serverPort).tls(certs.cert("localhost"), certs.key("localhost")).start()) {
 *   browser.driver().get(nginx.url());          // https://127.0.0.1:PORT/vision/
 * }
 * }</pre>
 */
public final class Nginx implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/sbin/nginx");
  /** The documented configuration: what users copy is what the tests run. */
  public static final Path DOCUMENTED_CONFIG = Path.of("docs/nginx.conf");
  public static final String DOCUMENTED_PREFIX = "/vision/";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path dir;
  private final int port;
  private final boolean tls;
  private final String prefix;
  private final Thread stopAtExit;

  private Nginx(Process process, Path dir, int port, boolean tls, String prefix) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.tls = tls;
    this.prefix = prefix;
    this.stopAtExit = new Thread(process::destroyForcibly, "nginx-stop");
    Runtime.getRuntime().addShutdownHook(stopAtExit);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port nginx listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The page's public address: {@code https://127.0.0.1:PORT/vision/} (http without TLS). */
  public String url() {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port + prefix;
  }

  /** The frames WebSocket's public address: {@code wss://127.0.0.1:PORT/vision/frames}. */
  public String framesUrl() {
    return (tls ? "wss" : "ws") + "://127.0.0.1:" + port + prefix + "frames";
  }

  /** The configuration nginx runs, as written from the documented one. */
  public String siteConfig() {
    return read(dir.resolve("frameloop.conf"));
  }

  /**
   * The access log: one line a request, {@code remote_addr "request" status upstream_addr}, the last
   * of them the node that served it (a WebSocket's line is written when it closes).
   */
  public List<String> accessLog() {
    return lines(dir.resolve("access.log"));
  }

  public List<String> errorLog() {
    return lines(dir.resolve("error.log"));
  }

  /** Its temp directory: nginx.conf, frameloop.conf, the logs; deleted on close. */
  public Path directory() {
    return dir;
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops nginx (fast shutdown: open connections are cut) and deletes its directory. */
  @Override
  public void close() {
    process.destroy(); // SIGTERM
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException exiting) {
      // the hook runs anyway
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is no test failure
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What to put into the documented configuration. */
  public static final class Builder {

    private final List<String> upstreams = new ArrayList<>();
    private Path cert;
    private Path key;
    private boolean plain;
    private String prefix = DOCUMENTED_PREFIX;
    private String sourceAddress;

    private Builder() {
    }

    /** A FrameLoop node on 127.0.0.1 (call once per node; the first is the documented one's place). */
    public Builder upstream(int port) {
      return upstream("127.0.0.1:" + port);
    }

    /** A node as nginx's {@code server} line takes it, e.g. {@code 127.0.0.1:8081 max_fails=1}. */
    public Builder upstream(String server) {
      upstreams.add(server);
      return this;
    }

    /** TLS termination with this PEM certificate and key (e.g. {@link ClusterCerts}). */
    public Builder tls(Path cert, Path key) {
      this.cert = cert;
      this.key = key;
      this.plain = false;
      return this;
    }

    /** Plain HTTP at nginx (the certificate lines dropped): for tests that are not about TLS. */
    public Builder plainHttp() {
      this.plain = true;
      return this;
    }

    /** Another path prefix than the documented {@code /vision/} (begins and ends with '/'). */
    public Builder pathPrefix(String prefix) {
      if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
        throw new IllegalArgumentException("a path prefix begins and ends with '/': " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * The loopback address nginx connects to the nodes from ({@code proxy_bind}), e.g. 127.0.0.2:
     * the nodes then see a peer other than the browser's 127.0.0.1.
     */
    public Builder sourceAddress(String address) {
      this.sourceAddress = address;
      return this;
    }

    public Nginx start() {
      if (!Files.isExecutable(BINARY)) {
        throw new IllegalStateException("the proxy test needs Debian's nginx package (apt-get install nginx; .ci/run installs it)");
      }
      if (upstreams.isEmpty()) {
        throw new IllegalStateException("nginx needs at least one upstream");
      }
      if (!plain && cert == null) {
        throw new IllegalStateException("TLS needs a certificate: tls(cert, key), or plainHttp()");
      }
      // The free port may be taken between choosing it and nginx binding it: then another one.
      for (int attempt = 1; ; attempt++) {
        try {
          return startOnce();
        } catch (PortTakenException e) {
          if (attempt == 3) {
            throw new IllegalStateException("nginx found its port taken three times: " + e.getMessage());
          }
        }
      }
    }

    private Nginx startOnce() {
      try {
        Path dir = Files.createTempDirectory("frameloop-nginx");
        int port = freePort();
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("frameloop.conf"), site(read(DOCUMENTED_CONFIG), port));
        Files.writeString(dir.resolve("nginx.conf"), main(dir));
        Process process = new ProcessBuilder(BINARY.toString(), "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
          "-e", dir.resolve("error.log").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(process, dir, port, !plain, prefix);
        awaitListening(nginx, dir);
        return nginx;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The documented site with this test's values; each replaced line must be there, so the doc cannot drift away. */
    private String site(String documented, int port) {
      String site = documented;
      String upstreamLines = upstreams.stream().map(u -> "  server " + u + ";").collect(Collectors.joining("\n"));
      site = replace(site, "  server 127.0.0.1:8080;", upstreamLines);
      if (plain) {
        site = replace(site, "  listen 443 ssl;", "  listen 127.0.0.1:" + port + ";");
        site = site.lines().filter(line -> !line.trim().startsWith("ssl_")).collect(Collectors.joining("\n", "", "\n"));
      } else {
        site = replace(site, "  listen 443 ssl;", "  listen 127.0.0.1:" + port + " ssl;");
        site = replace(site, "/etc/ssl/frameloop/fullchain.pem", cert.toAbsolutePath().toString());
        site = replace(site, "/etc/ssl/frameloop/privkey.pem", key.toAbsolutePath().toString());
      }
      if (sourceAddress != null) {
        site = replace(site, "    proxy_pass http://frameloop/;", "    proxy_pass http://frameloop/;\n    proxy_bind " + sourceAddress + ";");
      }
      String bare = DOCUMENTED_PREFIX.substring(0, DOCUMENTED_PREFIX.length() - 1);
      return site.replace(DOCUMENTED_PREFIX, prefix).replace("location = " + bare + " ", "location = "
        + prefix.substring(0, prefix.length() - 1) + " ");
    }

    private static String replace(String text, String line, String with) {
      if (!text.contains(line)) {
        throw new IllegalStateException(DOCUMENTED_CONFIG + " no longer has \"" + line.trim() + "\": update Nginx.java with it");
      }
      return text.replace(line, with);
    }

    /** The main configuration: everything in the temp directory, in the foreground, the site included. */
    private static String main(Path dir) {
      String tmp = dir.resolve("tmp").toString();
      boolean root = "root".equals(System.getProperty("user.name"));
      return String.join("\n",
        "daemon off;",
        // As root nginx's workers would switch to nobody, who cannot write the temp directory.
        root ? "user root;" : "",
        "worker_processes 1;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " notice;",
        "events { worker_connections 256; }",
        "http {",
        "  log_format frameloop '$remote_addr \"$request\" $status $upstream_addr';",
        "  access_log " + dir.resolve("access.log") + " frameloop;",
        "  client_body_temp_path " + tmp + "/client_body;",
        "  proxy_temp_path " + tmp + "/proxy;",
        "  fastcgi_temp_path " + tmp + "/fastcgi;",
        "  uwsgi_temp_path " + tmp + "/uwsgi;",
        "  scgi_temp_path " + tmp + "/scgi;",
        "  include " + dir.resolve("frameloop.conf") + ";",
        "}", "");
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      }
    }

    private static void awaitListening(Nginx nginx, Path dir) {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (!nginx.isRunning()) {
          String output = read(dir.resolve("stdout.log")) + String.join("\n", nginx.errorLog());
          nginx.close();
          if (output.contains("Address already in use")) {
            throw new PortTakenException(output);
          }
          throw new IllegalStateException("nginx did not start: " + output);
        }
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 500);
          return;
        } catch (IOException notYet) {
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      String log = String.join("\n", nginx.errorLog());
      nginx.close();
      throw new IllegalStateException("nginx did not listen within " + START_TIMEOUT + ": " + log);
    }
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message) {
      super(message);
    }
  }
}
