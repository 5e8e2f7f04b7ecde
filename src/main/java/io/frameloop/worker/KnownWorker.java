package io.frameloop.worker;

/**
 * One worker as a front knows it from its node's announcements: its own event-bus address and its
 * node (name and cluster id).
 *
 * @param nodeId the node's cluster id; null when not clustered
 */
record KnownWorker(String address, String node, String nodeId) {
}
