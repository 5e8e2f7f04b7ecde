package io.frameloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.properties.PropertyDefinition;
import com.hazelcast.kubernetes.HazelcastKubernetesDiscoveryStrategyFactory;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a node finds the other members: the TCP/IP member list by default, or Hazelcast's Kubernetes discovery. */
class ClusterDiscoveryTest {

  @Test
  void byDefaultTheMembersListIsTheOnlyJoin() {
    JoinConfig join = Cluster.hazelcastConfig(new ClusterOptions().setClusterMembers(List.of("10.0.0.2:5701"))).getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.2:5701");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    join.verify();
  }

  @Test
  void kubernetesDiscoveryFromTheConfigurationIsTheOnlyJoinAndHazelcastKnowsItsProperties() {
    // The flat keys, as FRAMELOOP_CLUSTER_DISCOVERY and FRAMELOOP_CLUSTER_KUBERNETES_SERVICE give them in src/main/kubernetes.
    FrameLoopOptions options = new FrameLoopOptions(new JsonObject().put("clusterDiscovery", "kubernetes")
      .put("clusterKubernetesService", "frameloop-hazelcast").put("clusterHost", "10.1.2.3"));
    Config config = Cluster.hazelcastConfig(options.getClusterOptions());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties()).containsExactly(
      entry(Cluster.KUBERNETES_SERVICE_NAME, "frameloop-hazelcast"));
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    // Hazelcast refuses a join with two methods on, and reads only the properties its plug-in declares.
    join.verify();
    List<String> known = new HazelcastKubernetesDiscoveryStrategyFactory().getConfigurationProperties().stream()
      .map(PropertyDefinition::key).toList();
    assertThat(known).containsAll(join.getKubernetesConfig().getProperties().keySet());
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.1.2.3");
  }

  @Test
  void withoutAServiceEveryEndpointOfTheNamespaceIsAsked() {
    JoinConfig join = Cluster.hazelcastConfig(new ClusterOptions().setClusterDiscovery(ClusterDiscovery.kubernetes))
      .getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties()).isEmpty();
  }

  @Test
  void anUnknownDiscoveryOrAnEmptyServiceIsRefusedByName() {
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("clusterDiscovery", "multicast")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clusterDiscovery").hasMessageContaining("members, kubernetes");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("clusterKubernetesService", " ")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clusterKubernetesService");
  }
}
