package io.frameloop.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for the mutual-TLS event bus, made at test time by {@code src/main/scripts/cluster-certs}: the
 * very commands the README gives (openssl).
 */
public final class ClusterCerts {

  private final Path dir;

  private ClusterCerts(Path dir) {
    this.dir = dir;
  }

  /** A CA in {@code dir} and a certificate of it for each node. */
  public static ClusterCerts make(Path dir, String... nodes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("src/main/scripts/cluster-certs", dir.toString()));
    command.addAll(List.of(nodes));
    Path log = dir.resolveSibling(dir.getFileName() + "-openssl.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("src/main/scripts/cluster-certs failed: " + Files.readString(log));
    }
    return new ClusterCerts(dir);
  }

  public Path cert(String node) {
    return dir.resolve(node + ".pem");
  }

  public Path key(String node) {
    return dir.resolve(node + ".key");
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /** The {@code FRAMELOOP_CLUSTER_TLS_*} variables of a node. */
  public Map<String, String> environment(String node) {
    return Map.of("FRAMELOOP_CLUSTER_TLS_CERT_PATH", cert(node).toString(),
      "FRAMELOOP_CLUSTER_TLS_KEY_PATH", key(node).toString(),
      "FRAMELOOP_CLUSTER_TLS_CA_PATH", ca().toString());
  }
}
