package io.frameloop.worker;

import io.vertx.core.eventbus.MessageCodec;

/**
 * An event-bus codec that hands the object itself to a local consumer (no serialization, no copy
 * of the frame bytes: the objects are immutable) and has a compact wire form for cluster nodes.
 */
abstract class PassThroughMessageCodec<T> implements MessageCodec<T, T> {

  private final String name;

  PassThroughMessageCodec(String name) {
    this.name = name;
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
