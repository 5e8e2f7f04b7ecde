package io.frameloop.testing;

import com.hazelcast.core.HazelcastInstance;
import io.frameloop.server.Cluster;
import io.frameloop.server.ClusterOptions;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A hostile cluster member, for a JVM of its own: it joins the Hazelcast membership (which has no
 * authentication), reads the event-bus subscriptions from the cluster manager's map, and
 * subscribes to every worker address it finds there, so that fronts send it a share of the frames
 * meant for real workers. Arguments: clusterPort, clusterMembers (comma-separated), worker address
 * prefix, and optionally cert, key and CA paths for the event bus. Prints {@code ROGUE RECEIVED}
 * for every message it gets.
 */
public final class RogueNode {

  private RogueNode() {
  }

  public static void main(String[] args) throws Exception {
    ClusterOptions options = new ClusterOptions().setClusterPort(Integer.parseInt(args[0]))
      .setClusterMembers(List.of(args[1].split(",")));
    String prefix = args[2] + ".";
    if (args.length > 3) {
      options.setClusterTlsCertPath(args[3]).setClusterTlsKeyPath(args[4]).setClusterTlsCaPath(args[5]);
    }
    Vertx vertx = Cluster.start(options).await();
    HazelcastInstance hazelcast = ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
    Set<String> taken = new HashSet<>();
    System.out.println("rogue node ready");
    while (true) {
      for (Object key : hazelcast.getMultiMap("__vertx.subs").keySet()) {
        String address = key.toString();
        if (address.startsWith(prefix) && !address.endsWith(".announce") && !address.endsWith(".discover") && taken.add(address)) {
          vertx.eventBus().consumer(address, message -> System.out.println("ROGUE RECEIVED a message for " + address)).completion().await();
          System.out.println("rogue subscribed to " + address);
        }
      }
      Thread.sleep(200);
    }
  }
}
