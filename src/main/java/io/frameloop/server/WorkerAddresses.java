package io.frameloop.server;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.UUID;

/**
 * The worker addresses that deployed FrameLoops own in one Vert.x instance. Two FrameLoops on one
 * address would share each other's workers, and the frames of one would reach workers without
 * its ops. "In use" is per Vert.x instance: a front in a cluster uses the address of workers on
 * other nodes (other Vert.x instances), which is the point of the address.
 */
final class WorkerAddresses {

  private static final String MAP_NAME = "io.frameloop.worker-addresses";

  private WorkerAddresses() {
  }

  /** One FrameLoop's hold on its address, until {@link #release}. */
  record Claim(Vertx vertx, String address, String owner) {

    /** Frees the address for the next FrameLoop; a second call does nothing. */
    void release() {
      addresses(vertx).remove(address, owner);
    }
  }

  /**
   * Takes {@code address} for one FrameLoop.
   *
   * @throws IllegalStateException when another FrameLoop of this Vert.x instance has it
   */
  static Claim claim(Vertx vertx, String address, String nodeName) {
    String owner = nodeName + " " + UUID.randomUUID();
    String holder = addresses(vertx).putIfAbsent(address, owner);
    if (holder != null) {
      throw new IllegalStateException("the worker address '" + address + "' is already used by another FrameLoop in"
        + " this Vert.x instance (node " + holder.substring(0, holder.lastIndexOf(' ')) + "): give each FrameLoop its"
        + " own address (the workers' address setting, WorkerOptions.setAddress), or close the other first");
    }
    return new Claim(vertx, address, owner);
  }

  private static LocalMap<String, String> addresses(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP_NAME);
  }
}
