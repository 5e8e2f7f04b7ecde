package io.frameloop.session;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * What one WebSocket session may do: how many there are, how fast and how large they send, and
 * how often they hear back. Part of {@code FrameLoopOptions}; the JSON names are the
 * configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class SessionOptions {

  public static final int DEFAULT_MAX_SESSIONS = 200;
  public static final int DEFAULT_MAX_FPS = 60;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  public static final long DEFAULT_STATS_INTERVAL_MS = 1_000;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
  public static final int DEFAULT_MAX_TEXT_MESSAGE_BYTES = 16 * 1024;
  /** About four 700-wide replies: more queued bytes would only be more lag. */
  public static final int DEFAULT_WRITE_QUEUE_MAX_BYTES = 256 * 1024;
  /** Browsers send none; keep-alive pings of other clients need a few a minute. */
  public static final int DEFAULT_MAX_PINGS_PER_SECOND = 10;
  public static final int DEFAULT_STALLED_TIMEOUT_SECONDS = 30;
  /**
   * WebSocket frames of any kind, fragments included: a 30 fps page sends about 35; 5000 leaves room
   * for a video client's bursts of tiny chunks, while fragment floods (millions a second) are still closed.
   */
  public static final int DEFAULT_MAX_FRAMES_PER_SECOND = 5_000;
  /** Browsers send a message in one frame; other clients split large frames in a few dozen at most. */
  public static final int DEFAULT_MAX_FRAGMENTS_PER_MESSAGE = 128;
  /** Control messages: a page sends a few a second, a slider dragged a few dozen. */
  public static final int DEFAULT_MAX_TEXT_MESSAGES_PER_SECOND = 50;
  /** Error answers: a camera whose every frame is bad, at maxFps, stays under it. */
  public static final int DEFAULT_MAX_ERRORS_PER_SECOND = 100;

  private int maxSessions = DEFAULT_MAX_SESSIONS;
  private int maxFps = DEFAULT_MAX_FPS;
  private int idleTimeoutSeconds = DEFAULT_IDLE_TIMEOUT_SECONDS;
  private long statsIntervalMs = DEFAULT_STATS_INTERVAL_MS;
  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private int maxTextMessageBytes = DEFAULT_MAX_TEXT_MESSAGE_BYTES;
  private int writeQueueMaxBytes = DEFAULT_WRITE_QUEUE_MAX_BYTES;
  private int maxPingsPerSecond = DEFAULT_MAX_PINGS_PER_SECOND;
  private int stalledTimeoutSeconds = DEFAULT_STALLED_TIMEOUT_SECONDS;
  private int maxFramesPerSecond = DEFAULT_MAX_FRAMES_PER_SECOND;
  private int maxFragmentsPerMessage = DEFAULT_MAX_FRAGMENTS_PER_MESSAGE;
  private int maxTextMessagesPerSecond = DEFAULT_MAX_TEXT_MESSAGES_PER_SECOND;
  private int maxErrorsPerSecond = DEFAULT_MAX_ERRORS_PER_SECOND;

  public SessionOptions() {
  }

  public SessionOptions(SessionOptions other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public SessionOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), SessionOptionsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    SessionOptionsConverter.toJson(this, json);
    return json;
  }

  public int getMaxSessions() {
    return maxSessions;
  }

  /** Concurrent sessions; the next upgrade is refused with HTTP 503. */
  public SessionOptions setMaxSessions(int maxSessions) {
    this.maxSessions = Ranges.atLeast("maxSessions", maxSessions, 1);
    return this;
  }

  public int getMaxFps() {
    return maxFps;
  }

  /** Frames per second a session may send; more are dropped as {@code rate_limited}. 0: no limit. */
  public SessionOptions setMaxFps(int maxFps) {
    this.maxFps = Ranges.atLeast("maxFps", maxFps, 0);
    return this;
  }

  public int getIdleTimeoutSeconds() {
    return idleTimeoutSeconds;
  }

  /** A session that sends nothing for this long is closed (1000, with the reason); 0: never. */
  public SessionOptions setIdleTimeoutSeconds(int idleTimeoutSeconds) {
    this.idleTimeoutSeconds = Ranges.atLeast("idleTimeoutSeconds", idleTimeoutSeconds, 0);
    return this;
  }

  public long getStatsIntervalMs() {
    return statsIntervalMs;
  }

  /** How often a session is sent its {@code stats}. */
  public SessionOptions setStatsIntervalMs(long statsIntervalMs) {
    this.statsIntervalMs = Ranges.atLeast("statsIntervalMs", statsIntervalMs, 10);
    return this;
  }

  public int getMaxMessageBytes() {
    return maxMessageBytes;
  }

  /** The largest binary message (frame); a larger one closes the session with 1009. */
  public SessionOptions setMaxMessageBytes(int maxMessageBytes) {
    this.maxMessageBytes = Ranges.atLeast("maxMessageBytes", maxMessageBytes, 1024);
    return this;
  }

  public int getMaxTextMessageBytes() {
    return maxTextMessageBytes;
  }

  /** The largest control message (UTF-8 bytes); a larger one gets {@code bad_message}. */
  public SessionOptions setMaxTextMessageBytes(int maxTextMessageBytes) {
    this.maxTextMessageBytes = Ranges.atLeast("maxTextMessageBytes", maxTextMessageBytes, 256);
    return this;
  }

  public int getWriteQueueMaxBytes() {
    return writeQueueMaxBytes;
  }

  /** A client's unsent bytes before its replies are dropped as {@code slow_client}. */
  public SessionOptions setWriteQueueMaxBytes(int writeQueueMaxBytes) {
    this.writeQueueMaxBytes = Ranges.atLeast("writeQueueMaxBytes", writeQueueMaxBytes, 1024);
    return this;
  }

  public int getMaxPingsPerSecond() {
    return maxPingsPerSecond;
  }

  /** WebSocket pings a session may send per second (bursts of one second's worth); more close it with 1008. */
  public SessionOptions setMaxPingsPerSecond(int maxPingsPerSecond) {
    this.maxPingsPerSecond = Ranges.atLeast("maxPingsPerSecond", maxPingsPerSecond, 1);
    return this;
  }

  public int getStalledTimeoutSeconds() {
    return stalledTimeoutSeconds;
  }

  /** A session whose outbound queue stays full this long (the client reads nothing) is closed with 1008. */
  public SessionOptions setStalledTimeoutSeconds(int stalledTimeoutSeconds) {
    this.stalledTimeoutSeconds = Ranges.atLeast("stalledTimeoutSeconds", stalledTimeoutSeconds, 1);
    return this;
  }

  public int getMaxFramesPerSecond() {
    return maxFramesPerSecond;
  }

  /**
   * WebSocket frames of any kind (fragments, pings and pongs included) a session may send per
   * second, bursts of one second's worth; more close it with 1008.
   */
  public SessionOptions setMaxFramesPerSecond(int maxFramesPerSecond) {
    this.maxFramesPerSecond = Ranges.atLeast("maxFramesPerSecond", maxFramesPerSecond, 1);
    return this;
  }

  public int getMaxFragmentsPerMessage() {
    return maxFragmentsPerMessage;
  }

  /** WebSocket frames one message may be split into; one more closes the session with 1008. */
  public SessionOptions setMaxFragmentsPerMessage(int maxFragmentsPerMessage) {
    this.maxFragmentsPerMessage = Ranges.atLeast("maxFragmentsPerMessage", maxFragmentsPerMessage, 1);
    return this;
  }

  public int getMaxTextMessagesPerSecond() {
    return maxTextMessagesPerSecond;
  }

  /** Control (text) messages a session may send per second, bursts of one second's worth; more close it with 1008. */
  public SessionOptions setMaxTextMessagesPerSecond(int maxTextMessagesPerSecond) {
    this.maxTextMessagesPerSecond = Ranges.atLeast("maxTextMessagesPerSecond", maxTextMessagesPerSecond, 1);
    return this;
  }

  public int getMaxErrorsPerSecond() {
    return maxErrorsPerSecond;
  }

  /**
   * {@code error} answers a session may cause per second, bursts of one second's worth; one more
   * closes it with 1008 (a client that keeps sending what is refused is not corrected by more answers).
   */
  public SessionOptions setMaxErrorsPerSecond(int maxErrorsPerSecond) {
    this.maxErrorsPerSecond = Ranges.atLeast("maxErrorsPerSecond", maxErrorsPerSecond, 1);
    return this;
  }
}
