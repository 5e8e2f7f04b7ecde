package io.frameloop.server;

/** How a node finds the cluster's other members. The constants are spelled as they are written in the configuration. */
public enum ClusterDiscovery {
  /** Hazelcast's TCP/IP join to the {@code clusterMembers} list. */
  members,
  /**
   * Hazelcast's own Kubernetes discovery (built into Hazelcast 5): the members are the ready endpoints of the
   * Service {@code clusterKubernetesService} in the pod's namespace, read from the Kubernetes API with the pod's
   * service account (which needs get/list/watch on endpoints, pods and endpointslices; see src/main/kubernetes).
   */
  kubernetes
}
