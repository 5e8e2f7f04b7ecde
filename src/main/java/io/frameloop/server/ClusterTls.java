package io.frameloop.server;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutual TLS on the clustered event bus: with {@code clusterTlsCertPath}, {@code clusterTlsKeyPath}
 * and {@code clusterTlsCaPath} set, every node-to-node connection is encrypted and both ends must
 * show a certificate signed by the cluster CA, so a node without one can neither send on the event
 * bus nor be sent a frame. The three go together; the files are checked at start-up (their
 * contents are never logged). Vert.x does not verify host names on the event bus: any certificate
 * of the cluster CA is a member, so that CA must sign nothing else.
 */
final class ClusterTls {

  private ClusterTls() {
  }

  /**
   * {@code eventBus} with mutual TLS when the options ask for it, else unchanged.
   *
   * @throws IllegalArgumentException naming the keys, when only some of the three are set or a file cannot be used
   */
  static EventBusOptions configure(EventBusOptions eventBus, ClusterOptions options) {
    Map<String, String> paths = new LinkedHashMap<>();
    paths.put("clusterTlsCertPath", options.getClusterTlsCertPath());
    paths.put("clusterTlsKeyPath", options.getClusterTlsKeyPath());
    paths.put("clusterTlsCaPath", options.getClusterTlsCaPath());
    List<String> missing = new ArrayList<>();
    paths.forEach((key, path) -> {
      if (path == null || path.isBlank()) {
        missing.add(key);
      }
    });
    if (missing.size() == paths.size()) {
      return eventBus;
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration: clusterTlsCertPath, clusterTlsKeyPath and clusterTlsCaPath"
        + " go together (set all three for an encrypted, authenticated cluster, or none); missing: " + String.join(", ", missing));
    }
    checkPem("clusterTlsCertPath", options.getClusterTlsCertPath(), "-----BEGIN CERTIFICATE-----", "certificate");
    checkPem("clusterTlsKeyPath", options.getClusterTlsKeyPath(), "PRIVATE KEY-----", "private key");
    checkPem("clusterTlsCaPath", options.getClusterTlsCaPath(), "-----BEGIN CERTIFICATE-----", "certificate");
    return eventBus
      .setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.getClusterTlsCertPath()).setKeyPath(options.getClusterTlsKeyPath()))
      .setTrustOptions(new PemTrustOptions().addCertPath(options.getClusterTlsCaPath()))
      .setClientAuth(ClientAuth.REQUIRED);
  }

  /** A readable PEM file with a {@code marker} in it; the error names the key and the path, never the contents. */
  private static void checkPem(String key, String path, String marker, String what) {
    Path file = Path.of(path);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("invalid configuration '" + key + "': no such file: " + path);
    }
    try {
      if (!Files.readString(file, StandardCharsets.ISO_8859_1).contains(marker)) {
        throw new IllegalArgumentException("invalid configuration '" + key + "': no PEM " + what + " in " + path);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid configuration '" + key + "': cannot read " + path + " ("
        + e.getClass().getSimpleName() + ")");
    }
  }
}
