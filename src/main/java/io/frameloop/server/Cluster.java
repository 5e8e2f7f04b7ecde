package io.frameloop.server;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import io.frameloop.worker.Workers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A clustered Vert.x instance on Hazelcast, joined by a TCP/IP member list (no multicast) or, with
 * {@code clusterDiscovery} {@code kubernetes}, by Hazelcast's Kubernetes discovery, bound to {@code clusterHost}: the event bus then carries frames between front and worker nodes, with
 * mutual TLS when the {@code clusterTls*} paths are set (see {@link ClusterTls}). When a member
 * leaves, this node's worker pools hear of it at once ({@link Workers#membersChanged}).
 */
public final class Cluster {

  /** Hazelcast's Kubernetes discovery property naming the members' Service. */
  static final String KUBERNETES_SERVICE_NAME = "service-name";

  private Cluster() {
  }

  /** The Hazelcast configuration: Vert.x's defaults, with the network and the way to find members from the options. */
  public static Config hazelcastConfig(ClusterOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.getClusterName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.local.localAddress", options.getClusterHost());
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().setPort(options.getClusterPort()).setPortAutoIncrement(false);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (options.getClusterDiscovery() == ClusterDiscovery.kubernetes) {
      // Hazelcast's built-in plug-in: the API gives the Service's ready endpoints; the member list is not used.
      join.getTcpIpConfig().setEnabled(false);
      KubernetesConfig kubernetes = join.getKubernetesConfig().setEnabled(true);
      if (options.getClusterKubernetesService() != null) {
        kubernetes.setProperty(KUBERNETES_SERVICE_NAME, options.getClusterKubernetesService());
      }
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(options.getClusterMembers());
    }
    return config;
  }

  /**
   * Starts a Vert.x instance that joins the cluster described by the options. Checks the TLS
   * files first (reads them: call it off the event loop); a bad setting fails the future with an
   * error that names the key.
   */
  public static Future<Vertx> start(ClusterOptions options) {
    EventBusOptions eventBus;
    try {
      eventBus = ClusterTls.configure(new EventBusOptions().setHost(options.getClusterHost()).setPort(options.getEventBusPort()),
        options);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(options));
    return Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(eventBus))
      .withClusterManager(manager)
      .buildClustered()
      .onSuccess(vertx -> watchMembers(vertx, manager));
  }

  /**
   * Tells the worker pools which nodes remain whenever a member leaves ({@link #start} does it;
   * call it yourself for a clustered Vert.x you built). A listener of its own: the cluster
   * manager's node listener is Vert.x's. Runs on a Hazelcast thread, where reading the member
   * list is local and a local publish does not block.
   */
  public static void watchMembers(Vertx vertx, HazelcastClusterManager manager) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // New workers announce themselves.
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        Workers.membersChanged(vertx, manager.getNodes());
      }
    });
  }
}
