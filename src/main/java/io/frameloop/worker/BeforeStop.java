package io.frameloop.worker;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * What a node's workers wait for when they are told to stop, before they stop taking frames: the
 * FrameLoop's drain. Vert.x stops a verticle's children first, so undeploying the verticle that
 * deployed the workers would otherwise stop them before its sessions could be answered. Set once
 * the FrameLoop exists; until then (and for a worker-only node) nothing is waited for.
 */
public final class BeforeStop {

  private volatile Supplier<Future<Void>> step = Future::succeededFuture;

  /** @param step started by the first worker that stops; each worker waits for the future it gives */
  public void set(Supplier<Future<Void>> step) {
    this.step = step;
  }

  Future<Void> run() {
    return step.get().otherwiseEmpty();
  }
}
