package io.frameloop.server;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.core.LifecycleEvent;
import io.frameloop.worker.Workers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.lang.System.Logger.Level;

/**
 * A clustered Vert.x instance on Hazelcast, joined by a TCP/IP member list (no multicast) or, with
 * {@code clusterDiscovery} {@code kubernetes}, by Hazelcast's Kubernetes discovery, bound to {@code clusterHost}: the event bus then carries frames between front and worker nodes, with
 * mutual TLS when the {@code clusterTls*} paths are set (see {@link ClusterTls}). When a member
 * leaves or joins, this node's worker pools hear of it at once ({@link Workers#membersChanged}).
 *
 * <p>A member frozen longer than Hazelcast's heartbeat limit ({@code hazelcast.max.no.heartbeat.seconds},
 * 60 s; a long GC pause, a suspended VM, SIGSTOP) is removed by the others; when it runs again it finds
 * itself alone, in a cluster of its own. Hazelcast's split-brain handler merges such parts back, but by
 * default only 300 s after start and then every 120 s: a worker node would sit apart, and the fronts
 * would have none of its workers, for up to two minutes. Here the check runs every
 * {@link #MERGE_CHECK_SECONDS} seconds, so the node rejoins within about that much after it runs again;
 * it logs when it finds itself alone and when it has merged back.
 */
public final class Cluster {

  private static final System.Logger LOG = System.getLogger(Cluster.class.getName());

  /**
   * How often a member looks for the rest of its cluster and merges into it (Hazelcast's
   * {@code hazelcast.merge.first.run.delay.seconds} and {@code hazelcast.merge.next.run.delay.seconds}, 300
   * and 120 by default): a look is a connection to each configured member missing from the member list,
   * none when all are there. A system property of that name wins. With Kubernetes discovery each look
   * asks the API server for the Service's endpoints, even when every member is there, so that mode
   * keeps {@link #KUBERNETES_MERGE_CHECK_SECONDS}: a pod frozen that long is usually restarted by its
   * liveness probe anyway.
   */
  public static final int MERGE_CHECK_SECONDS = 5;
  static final int KUBERNETES_MERGE_CHECK_SECONDS = 60;
  static final String MERGE_FIRST_RUN_PROPERTY = "hazelcast.merge.first.run.delay.seconds";
  static final String MERGE_NEXT_RUN_PROPERTY = "hazelcast.merge.next.run.delay.seconds";

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
    int mergeCheckSeconds = mergeCheckSeconds(options);
    for (String property : new String[] {MERGE_FIRST_RUN_PROPERTY, MERGE_NEXT_RUN_PROPERTY}) {
      if (System.getProperty(property) == null) {
        config.setProperty(property, Integer.toString(mergeCheckSeconds));
      }
    }
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

  static int mergeCheckSeconds(ClusterOptions options) {
    return options.getClusterDiscovery() == ClusterDiscovery.kubernetes ? KUBERNETES_MERGE_CHECK_SECONDS : MERGE_CHECK_SECONDS;
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
   * Tells the worker pools which nodes are members whenever one leaves or joins, and after this
   * node merged back into its cluster ({@link #start} does it; call it yourself for a clustered
   * Vert.x you built). Listeners of its own: the cluster manager's node listener is Vert.x's. They
   * run on Hazelcast threads, where reading the member list is local and a local publish does not
   * block. Logs when this node finds itself alone (the others left, or removed it after a pause).
   */
  public static void watchMembers(Vertx vertx, HazelcastClusterManager manager) {
    String next = manager.getHazelcastInstance().getConfig().getProperty(MERGE_NEXT_RUN_PROPERTY);
    String mergeCheck = System.getProperty(MERGE_NEXT_RUN_PROPERTY, next == null ? "120" : next);
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        Workers.membersChanged(vertx, manager.getNodes());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        if (event.getMembers().size() == 1 && event.getMembers().iterator().next().localMember()) {
          // INFO: the last peer's normal stop (a scale-down, a rolling restart) ends here too.
          LOG.log(Level.INFO, "this node is alone in its cluster now: {0} left, or removed this node after it was silent"
            + " longer than the heartbeat limit (e.g. a long pause); it looks for the others every {1} s and merges back"
            + " when it finds them", event.getMember().getAddress(), mergeCheck);
        }
        Workers.membersChanged(vertx, manager.getNodes());
      }
    });
    manager.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.log(Level.INFO, "this node merged back into its cluster: {0} members", manager.getNodes().size());
        Workers.membersChanged(vertx, manager.getNodes());
      }
    });
  }
}
