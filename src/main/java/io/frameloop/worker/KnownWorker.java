package io.frameloop.worker;

/**
 * One worker as a front's {@link WorkerPool} knows it: its address, its node (name and cluster
 * id), when the node last announced it, and the lease that holds it, if any. Guarded by the pool's lock.
 *
 * @param <L> the pool's lease type
 */
final class KnownWorker<L> {

  final String address;
  final String node;
  /** The node's cluster id; null when not clustered. */
  final String nodeId;
  long lastSeenNanos;
  L lease;
  boolean stuck;

  KnownWorker(String address, String node, String nodeId) {
    this.address = address;
    this.node = node;
    this.nodeId = nodeId;
  }
}
