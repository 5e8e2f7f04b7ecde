package io.frameloop.endtoend.cluster;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.Cluster;
import io.frameloop.server.ClusterDiscovery;
import io.frameloop.server.ClusterOptions;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.cli.Main;
import io.frameloop.testing.ClusterCerts;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The cluster's TLS settings are checked before anything joins: only some of the three paths, a
 * missing file or one that is no PEM stop start-up with an error that names the key (and never
 * shows a file's contents). Also the Hazelcast settings FrameLoop makes: the cluster name, and how
 * often a cut-off part looks for the rest.
 */
class ClusterTlsConfigTest {

  @TempDir
  Path dir;

  @Test
  void onlySomeOfTheThreePathsIsAnErrorNamingTheMissingKeys() throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "node");
    ClusterOptions options = new ClusterOptions().setClusterTlsCertPath(certs.cert("node").toString());
    assertThatThrownBy(() -> await(Cluster.start(options)))
      .hasMessageContaining("clusterTlsCertPath, clusterTlsKeyPath and clusterTlsCaPath go together")
      .hasMessageContaining("missing: clusterTlsKeyPath, clusterTlsCaPath");
    ClusterOptions noCa = new ClusterOptions().setClusterTlsCertPath(certs.cert("node").toString())
      .setClusterTlsKeyPath(certs.key("node").toString()).setClusterTlsCaPath(" ");
    assertThatThrownBy(() -> await(Cluster.start(noCa))).hasMessageContaining("missing: clusterTlsCaPath");
  }

  @Test
  void aMissingFileIsAnErrorNamingItsKey() throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "node");
    ClusterOptions options = new ClusterOptions().setClusterTlsCertPath(certs.cert("node").toString())
      .setClusterTlsKeyPath(dir.resolve("no-such.key").toString()).setClusterTlsCaPath(certs.ca().toString());
    assertThatThrownBy(() -> await(Cluster.start(options)))
      .hasMessageContaining("'clusterTlsKeyPath'").hasMessageContaining("no such file").hasMessageContaining("no-such.key");
  }

  @Test
  void aFileWithoutPemIsAnErrorThatDoesNotShowItsContents() throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "node");
    Path notPem = Files.writeString(dir.resolve("ca.txt"), "s3cret-material");
    ClusterOptions options = new ClusterOptions().setClusterTlsCertPath(certs.cert("node").toString())
      .setClusterTlsKeyPath(certs.key("node").toString()).setClusterTlsCaPath(notPem.toString());
    assertThatThrownBy(() -> await(Cluster.start(options)))
      .hasMessageContaining("'clusterTlsCaPath'").hasMessageContaining("no PEM certificate")
      .hasMessageNotContaining("s3cret");
  }

  @Test
  void aPemOfTheWrongKindFailsStartUp() throws Exception {
    ClusterCerts certs = ClusterCerts.make(dir.resolve("certs"), "node");
    ClusterOptions options = new ClusterOptions().setClusterTlsCertPath(certs.cert("node").toString())
      .setClusterTlsKeyPath(certs.cert("node").toString()).setClusterTlsCaPath(certs.ca().toString());
    assertThatThrownBy(() -> await(Cluster.start(options)))
      .hasMessageContaining("'clusterTlsKeyPath'").hasMessageContaining("no PEM private key");
    ClusterOptions keyAsCa = new ClusterOptions().setClusterTlsCertPath(certs.cert("node").toString())
      .setClusterTlsKeyPath(certs.key("node").toString()).setClusterTlsCaPath(certs.key("node").toString());
    assertThatThrownBy(() -> await(Cluster.start(keyAsCa)))
      .hasMessageContaining("'clusterTlsCaPath'").hasMessageContaining("no PEM certificate")
      .hasMessageNotContaining("PRIVATE");
  }

  @Test
  void theServerRefusesToStartWithPartialSettingsFromTheEnvironmentOrProperties() throws Exception {
    System.setProperty("frameloop.clusterTlsCaPath", dir.resolve("ca.pem").toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new Main()).execute("serve", "--cluster", "--role", "worker", "--config", "no-config-file.json");
    } finally {
      System.setErr(original);
      System.clearProperty("frameloop.clusterTlsCaPath");
    }
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("FrameLoop failed to start")
      .contains("missing: clusterTlsCertPath, clusterTlsKeyPath");
  }

  @Test
  void clusterNameIsConfigurableAndNeverEmpty() {
    assertThat(Cluster.hazelcastConfig(new ClusterOptions()).getClusterName()).isEqualTo("frameloop");
    assertThat(Cluster.hazelcastConfig(new ClusterOptions().setClusterName("cams-eu")).getClusterName()).isEqualTo("cams-eu");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("clusterName", "")))
      .hasMessageContaining("'clusterName'");
  }

  /** A part cut off (a node frozen past the heartbeat) looks for the rest every 5 s, not after 300 and then 120 s. */
  @Test
  void splitBrainChecksRunEveryFiveSecondsUnlessASystemPropertySaysOtherwise() {
    assertThat(Cluster.hazelcastConfig(new ClusterOptions()).getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("5");
    assertThat(Cluster.hazelcastConfig(new ClusterOptions()).getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("5");
    // Kubernetes discovery asks the API server at each look: once a minute there.
    ClusterOptions kubernetes = new ClusterOptions().setClusterDiscovery(ClusterDiscovery.kubernetes);
    assertThat(Cluster.hazelcastConfig(kubernetes).getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("60");
    System.setProperty("hazelcast.merge.next.run.delay.seconds", "30");
    try {
      // Left to the system property: the configuration's value is then the property's.
      assertThat(Cluster.hazelcastConfig(new ClusterOptions()).getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("30");
    } finally {
      System.clearProperty("hazelcast.merge.next.run.delay.seconds");
    }
  }
}
