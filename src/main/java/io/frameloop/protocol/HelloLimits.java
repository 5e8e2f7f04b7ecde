package io.frameloop.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The limits a {@code hello} message tells the client about: what it may send. Each set by name
 * ({@code FrameLoopOptions.helloLimits()} fills them from the options that own them).
 */
public final class HelloLimits {

  private int maxMessageBytes;
  private int maxTextMessageBytes;
  private int maxWidth;
  private int maxHeight;
  private long maxPixels;
  private int maxFps;
  private int maxOps;
  private int maxFrameCostMs;
  private int maxSessions;
  private int idleTimeoutSeconds;

  public HelloLimits setMaxMessageBytes(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
    return this;
  }

  public HelloLimits setMaxTextMessageBytes(int maxTextMessageBytes) {
    this.maxTextMessageBytes = maxTextMessageBytes;
    return this;
  }

  public HelloLimits setMaxWidth(int maxWidth) {
    this.maxWidth = maxWidth;
    return this;
  }

  public HelloLimits setMaxHeight(int maxHeight) {
    this.maxHeight = maxHeight;
    return this;
  }

  public HelloLimits setMaxPixels(long maxPixels) {
    this.maxPixels = maxPixels;
    return this;
  }

  public HelloLimits setMaxFps(int maxFps) {
    this.maxFps = maxFps;
    return this;
  }

  public HelloLimits setMaxOps(int maxOps) {
    this.maxOps = maxOps;
    return this;
  }

  public HelloLimits setMaxFrameCostMs(int maxFrameCostMs) {
    this.maxFrameCostMs = maxFrameCostMs;
    return this;
  }

  public HelloLimits setMaxSessions(int maxSessions) {
    this.maxSessions = maxSessions;
    return this;
  }

  public HelloLimits setIdleTimeoutSeconds(int idleTimeoutSeconds) {
    this.idleTimeoutSeconds = idleTimeoutSeconds;
    return this;
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("maxMessageBytes", maxMessageBytes)
      .put("maxTextMessageBytes", maxTextMessageBytes)
      .put("maxWidth", maxWidth)
      .put("maxHeight", maxHeight)
      .put("maxPixels", maxPixels)
      .put("maxFps", maxFps)
      .put("maxOps", maxOps)
      .put("maxFrameCostMs", maxFrameCostMs)
      .put("maxSessions", maxSessions)
      .put("idleTimeoutSeconds", idleTimeoutSeconds);
  }
}
