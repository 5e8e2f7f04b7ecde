package io.frameloop.server;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
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

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public ConnectionLimits(JsonObject json) {
    ConfigValues.read(json, toJson(), ConnectionLimitsConverter::fromJson, this);
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
    this.maxPendingConnections = Ranges.atLeast("maxPendingConnections", maxPendingConnections, 1);
    return this;
  }

  public long getHeaderTimeoutMs() {
    return headerTimeoutMs;
  }

  /** A connection that has not sent a whole request head by then is closed. */
  public ConnectionLimits setHeaderTimeoutMs(long headerTimeoutMs) {
    this.headerTimeoutMs = Ranges.atLeast("headerTimeoutMs", headerTimeoutMs, 100);
    return this;
  }
}
