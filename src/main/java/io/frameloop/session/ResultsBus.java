package io.frameloop.session;

import io.frameloop.protocol.FrameHeader;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Publishes each processed frame's results to the host application: on the local event bus only
 * (never to other cluster nodes, never to a client), at the server's {@code resultsAddress}.
 */
public final class ResultsBus {

  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);

  private final EventBus bus;
  private final String address;

  private ResultsBus(EventBus bus, String address) {
    this.bus = bus;
    this.address = address;
  }

  public static ResultsBus create(Vertx vertx, String address) {
    return new ResultsBus(vertx.eventBus(), address);
  }

  /**
   * {@code {"session":id,"tenant":t,"seq":n,"timestamp":ms,"results":{...}}}; tenant, seq and
   * timestamp are null when the session has no tenant or the frame no header.
   */
  void publish(String session, String tenant, FrameHeader header, JsonObject results) {
    bus.publish(address, new JsonObject()
      .put("session", session)
      .put("tenant", tenant)
      .put("seq", header == null ? null : header.sequence())
      .put("timestamp", header == null ? null : header.timestamp())
      .put("results", results), LOCAL_ONLY);
  }
}
