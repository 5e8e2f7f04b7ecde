package io.frameloop.server;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * Bounds on HTTP connections before they become sessions, against clients that open connections
 * and send their request slowly or not at all. Part of {@link FrameLoopOptions}; the JSON names
 * are the configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class ConnectionLimits {

  public static final int DEFAULT_MAX_PENDING_CONNECTIONS = 256;
  public static final long DEFAULT_HEADER_TIMEOUT_MS = 10_000;

  private int maxPendingConnections = DEFAULT_MAX_PENDING_CONNECTIONS;
  private long headerTimeoutMs = DEFAULT_HEADER_TIMEOUT_MS;

  public ConnectionLimits() {
  }

  public ConnectionLimits(ConnectionLimits other) {
    this(other.toJson());
  }

  public ConnectionLimits(JsonObject json) {
    ConnectionLimitsConverter.fromJson(json, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ConnectionLimitsConverter.toJson(this, json);
    return json;
  }

  public int getMaxPendingConnections() {
    return maxPendingConnections;
  }

  /** Connections that have not yet sent a whole request head; more are closed at once. */
  public ConnectionLimits setMaxPendingConnections(int maxPendingConnections) {
    if (maxPendingConnections < 1) {
      throw new IllegalArgumentException("maxPendingConnections must be at least 1, got " + maxPendingConnections);
    }
    this.maxPendingConnections = maxPendingConnections;
    return this;
  }

  public long getHeaderTimeoutMs() {
    return headerTimeoutMs;
  }

  /** A connection that has not sent a whole request head by then is closed. */
  public ConnectionLimits setHeaderTimeoutMs(long headerTimeoutMs) {
    if (headerTimeoutMs < 100) {
      throw new IllegalArgumentException("headerTimeoutMs must be at least 100, got " + headerTimeoutMs);
    }
    this.headerTimeoutMs = headerTimeoutMs;
    return this;
  }
}
