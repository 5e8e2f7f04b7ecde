package io.frameloop.server;

import io.frameloop.pipeline.ImageLimits;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Everything a FrameLoop server can be configured with. Fluent setters, and JSON conversion with
 * the same field names as {@code config.json}; a field missing from the JSON keeps its default.
 */
public class FrameLoopOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_FRAMES_PATH = "/frames";
  public static final String DEFAULT_WEBROOT = "webroot";
  /** 0 means one worker per available processor. */
  public static final int DEFAULT_WORKER_INSTANCES = 0;
  /** The original design's work: resize to 700 wide, mirror, JPEG quality 80. */
  public static final JsonObject DEFAULT_PIPELINE = new JsonObject()
    .put("ops", new JsonArray()
      .add(new JsonObject().put("op", "resize").put("width", 700))
      .add(new JsonObject().put("op", "flip").put("axis", "horizontal")))
    .put("quality", 80);
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
  public static final int DEFAULT_MAX_TEXT_MESSAGE_BYTES = 16 * 1024;
  public static final int DEFAULT_MAX_WIDTH = 4096;
  public static final int DEFAULT_MAX_HEIGHT = 4096;
  /** 3840x2160, a 4K UHD frame. */
  public static final long DEFAULT_MAX_PIXELS = 3840L * 2160;
  public static final int DEFAULT_MAX_FPS = 60;
  /** About four 700-wide replies: more queued bytes would only be more lag. */
  public static final int DEFAULT_WRITE_QUEUE_MAX_BYTES = 256 * 1024;
  public static final long DEFAULT_PROCESS_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_STATS_INTERVAL_MS = 1_000;
  public static final int DEFAULT_MAX_SESSIONS = 200;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  /** The page's own origin is always allowed; these are allowed too (any port). */
  public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of(
    "http://localhost", "https://localhost", "http://127.0.0.1", "https://127.0.0.1", "http://[::1]", "https://[::1]");
  public static final String DEFAULT_METRICS_PATH = "/metrics";
  public static final String DEFAULT_HEALTH_PATH = "/health";
  /** {@code auto}: SIMD libjpeg-turbo when it loads, else OpenCV's codec. */
  public static final String DEFAULT_JPEG_CODEC = "auto";
  /** {@code both}: sessions and processing (one node); {@code front}: sessions only; {@code worker}: processing only. */
  public static final String DEFAULT_ROLE = "both";
  public static final int DEFAULT_CLUSTER_PORT = 5701;
  /** Where front ends send frames and workers consume them. */
  public static final String DEFAULT_ADDRESS = "frameloop.process";
  public static final String DEFAULT_FACE_CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String framesPath = DEFAULT_FRAMES_PATH;
  private String webroot = DEFAULT_WEBROOT;
  private int workerInstances = DEFAULT_WORKER_INSTANCES;
  private JsonObject pipeline = DEFAULT_PIPELINE.copy();
  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private int maxTextMessageBytes = DEFAULT_MAX_TEXT_MESSAGE_BYTES;
  private int maxWidth = DEFAULT_MAX_WIDTH;
  private int maxHeight = DEFAULT_MAX_HEIGHT;
  private long maxPixels = DEFAULT_MAX_PIXELS;
  private int maxFps = DEFAULT_MAX_FPS;
  private int writeQueueMaxBytes = DEFAULT_WRITE_QUEUE_MAX_BYTES;
  private long processTimeoutMs = DEFAULT_PROCESS_TIMEOUT_MS;
  private long statsIntervalMs = DEFAULT_STATS_INTERVAL_MS;
  private String faceCascade = DEFAULT_FACE_CASCADE;
  private String address = DEFAULT_ADDRESS;
  private int maxSessions = DEFAULT_MAX_SESSIONS;
  private String jpegCodec = DEFAULT_JPEG_CODEC;
  private int idleTimeoutSeconds = DEFAULT_IDLE_TIMEOUT_SECONDS;
  private List<String> allowedOrigins = DEFAULT_ALLOWED_ORIGINS;
  private String metricsPath = DEFAULT_METRICS_PATH;
  private String healthPath = DEFAULT_HEALTH_PATH;
  private String nodeName = defaultNodeName();
  private String role = DEFAULT_ROLE;
  private int maxInFlight;
  private boolean cluster;
  private String clusterHost = DEFAULT_HOST;
  private int clusterPort = DEFAULT_CLUSTER_PORT;
  private List<String> clusterMembers = List.of(DEFAULT_HOST + ":" + DEFAULT_CLUSTER_PORT);
  private int eventBusPort;
  private boolean tlsSelfSigned;
  private String tlsCertPath;
  private String tlsKeyPath;
  private String tlsKeyStorePath;
  private String tlsKeyStorePassword;

  public FrameLoopOptions() {
  }

  public FrameLoopOptions(FrameLoopOptions other) {
    this(other.toJson());
  }

  public FrameLoopOptions(JsonObject json) {
    host = json.getString("host", host);
    port = json.getInteger("port", port);
    framesPath = json.getString("framesPath", framesPath);
    webroot = json.getString("webroot", webroot);
    workerInstances = json.getInteger("workerInstances", workerInstances);
    Object configured = json.getValue("pipeline");
    if (configured instanceof JsonObject object) {
      pipeline = object.copy();
    } else if (configured instanceof String text) {
      pipeline = new JsonObject(text);
    }
    maxMessageBytes = json.getInteger("maxMessageBytes", maxMessageBytes);
    maxTextMessageBytes = json.getInteger("maxTextMessageBytes", maxTextMessageBytes);
    maxWidth = json.getInteger("maxWidth", maxWidth);
    maxHeight = json.getInteger("maxHeight", maxHeight);
    maxPixels = json.getLong("maxPixels", maxPixels);
    maxFps = json.getInteger("maxFps", maxFps);
    writeQueueMaxBytes = json.getInteger("writeQueueMaxBytes", writeQueueMaxBytes);
    processTimeoutMs = json.getLong("processTimeoutMs", processTimeoutMs);
    statsIntervalMs = json.getLong("statsIntervalMs", statsIntervalMs);
    faceCascade = json.getString("faceCascade", faceCascade);
    address = json.getString("address", address);
    maxSessions = json.getInteger("maxSessions", maxSessions);
    jpegCodec = json.getString("jpegCodec", jpegCodec);
    idleTimeoutSeconds = json.getInteger("idleTimeoutSeconds", idleTimeoutSeconds);
    allowedOrigins = stringList(json.getValue("allowedOrigins"), allowedOrigins);
    metricsPath = json.getString("metricsPath", metricsPath);
    healthPath = json.getString("healthPath", healthPath);
    nodeName = json.getString("nodeName", nodeName);
    setRole(json.getString("role", role));
    maxInFlight = json.getInteger("maxInFlight", maxInFlight);
    cluster = json.getBoolean("cluster", cluster);
    clusterHost = json.getString("clusterHost", clusterHost);
    clusterPort = json.getInteger("clusterPort", clusterPort);
    clusterMembers = stringList(json.getValue("clusterMembers"), clusterMembers);
    eventBusPort = json.getInteger("eventBusPort", eventBusPort);
    tlsSelfSigned = json.getBoolean("tlsSelfSigned", tlsSelfSigned);
    tlsCertPath = json.getString("tlsCertPath", tlsCertPath);
    tlsKeyPath = json.getString("tlsKeyPath", tlsKeyPath);
    tlsKeyStorePath = json.getString("tlsKeyStorePath", tlsKeyStorePath);
    tlsKeyStorePassword = json.getString("tlsKeyStorePassword", tlsKeyStorePassword);
  }

  /** A list from JSON, or from an environment variable: a JSON list or comma-separated values. */
  private static List<String> stringList(Object value, List<String> otherwise) {
    if (value instanceof String text) {
      value = text.trim().startsWith("[") ? new JsonArray(text) : new JsonArray(List.of((Object[]) text.trim().split("\\s*,\\s*")));
    }
    if (value instanceof JsonArray list) {
      return list.stream().map(String::valueOf).toList();
    }
    return otherwise;
  }

  private static String defaultNodeName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "frameloop";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("host", host)
      .put("port", port)
      .put("framesPath", framesPath)
      .put("webroot", webroot)
      .put("workerInstances", workerInstances)
      .put("pipeline", pipeline.copy())
      .put("maxMessageBytes", maxMessageBytes)
      .put("maxTextMessageBytes", maxTextMessageBytes)
      .put("maxWidth", maxWidth)
      .put("maxHeight", maxHeight)
      .put("maxPixels", maxPixels)
      .put("maxFps", maxFps)
      .put("writeQueueMaxBytes", writeQueueMaxBytes)
      .put("processTimeoutMs", processTimeoutMs)
      .put("statsIntervalMs", statsIntervalMs)
      .put("faceCascade", faceCascade)
      .put("address", address)
      .put("maxSessions", maxSessions)
      .put("idleTimeoutSeconds", idleTimeoutSeconds)
      .put("jpegCodec", jpegCodec)
      .put("allowedOrigins", new JsonArray(allowedOrigins))
      .put("metricsPath", metricsPath)
      .put("healthPath", healthPath)
      .put("nodeName", nodeName)
      .put("role", role)
      .put("maxInFlight", maxInFlight)
      .put("cluster", cluster)
      .put("clusterHost", clusterHost)
      .put("clusterPort", clusterPort)
      .put("clusterMembers", new JsonArray(clusterMembers))
      .put("eventBusPort", eventBusPort)
      .put("tlsSelfSigned", tlsSelfSigned)
      .put("tlsCertPath", tlsCertPath)
      .put("tlsKeyPath", tlsKeyPath)
      .put("tlsKeyStorePath", tlsKeyStorePath)
      .put("tlsKeyStorePassword", tlsKeyStorePassword);
  }

  /** The limits a client is told about in {@code hello}. */
  public JsonObject limitsJson() {
    return new JsonObject()
      .put("maxMessageBytes", maxMessageBytes)
      .put("maxTextMessageBytes", maxTextMessageBytes)
      .put("maxWidth", maxWidth)
      .put("maxHeight", maxHeight)
      .put("maxPixels", maxPixels)
      .put("maxFps", maxFps)
      .put("maxSessions", maxSessions)
      .put("idleTimeoutSeconds", idleTimeoutSeconds);
  }

  public ImageLimits imageLimits() {
    return new ImageLimits(maxWidth, maxHeight, maxPixels);
  }

  /**
   * Server options that carry frames of up to {@code maxMessageBytes}, with TLS when configured;
   * use them when you mount FrameLoop on your own server.
   */
  public HttpServerOptions httpServerOptions() {
    HttpServerOptions server = new HttpServerOptions()
      .setHost(host)
      .setPort(port)
      // The session refuses messages over maxMessageBytes with a clean 1009 close. The transport
      // cut-off sits above that: Netty answers a frame over its limit by closing the connection at
      // once, so the client would see 1006 (abnormal closure) instead of the reason.
      .setMaxWebSocketMessageSize(transportMessageLimit())
      .setMaxWebSocketFrameSize(transportMessageLimit())
      // JPEG does not deflate: compression would only burn CPU on both ends.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false);
    if (tlsKeyStorePath != null) {
      server.setSsl(true).setKeyCertOptions(new PfxOptions().setPath(tlsKeyStorePath).setPassword(tlsKeyStorePassword));
    } else if (tlsCertPath != null || tlsKeyPath != null) {
      if (tlsCertPath == null || tlsKeyPath == null) {
        throw new IllegalArgumentException("TLS with PEM files needs both tlsCertPath and tlsKeyPath");
      }
      server.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tlsCertPath).setKeyPath(tlsKeyPath));
    } else if (tlsSelfSigned) {
      // A development certificate, new at every start: browsers will warn about it.
      server.setSsl(true).setKeyCertOptions(SelfSignedCertificate.create("localhost").keyCertOptions());
    }
    return server;
  }

  /** Twice {@code maxMessageBytes}: what the transport buffers at most before cutting a connection off. */
  int transportMessageLimit() {
    return (int) Math.min(Integer.MAX_VALUE, 2L * maxMessageBytes);
  }

  /** Whether {@link #httpServerOptions} serves HTTPS and WSS. */
  public boolean isTls() {
    return tlsSelfSigned || tlsCertPath != null || tlsKeyPath != null || tlsKeyStorePath != null;
  }

  /**
   * The number of worker verticles on this node: none for the {@code front} role, else
   * {@code workerInstances}, or one per available processor when it is 0.
   */
  public int effectiveWorkerInstances() {
    if (role.equals("front")) {
      return 0;
    }
    return workerInstances > 0 ? workerInstances : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Frames this front end has in the workers at once: {@code maxInFlight}, or when it is 0, its
   * own worker count (one node), or 8 for a {@code front} without workers of its own.
   */
  public int effectiveMaxInFlight() {
    if (maxInFlight > 0) {
      return maxInFlight;
    }
    return role.equals("front") ? 8 : effectiveWorkerInstances();
  }

  public String getHost() {
    return host;
  }

  public FrameLoopOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public FrameLoopOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public String getFramesPath() {
    return framesPath;
  }

  public FrameLoopOptions setFramesPath(String framesPath) {
    this.framesPath = framesPath;
    return this;
  }

  public String getWebroot() {
    return webroot;
  }

  public FrameLoopOptions setWebroot(String webroot) {
    this.webroot = webroot;
    return this;
  }

  public int getWorkerInstances() {
    return workerInstances;
  }

  public FrameLoopOptions setWorkerInstances(int workerInstances) {
    this.workerInstances = workerInstances;
    return this;
  }

  public JsonObject getPipeline() {
    return pipeline;
  }

  /** The pipeline new sessions start with: {@code {"ops":[...],"quality":N}}. */
  public FrameLoopOptions setPipeline(JsonObject pipeline) {
    this.pipeline = pipeline;
    return this;
  }

  public int getMaxMessageBytes() {
    return maxMessageBytes;
  }

  public FrameLoopOptions setMaxMessageBytes(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
    return this;
  }

  public int getMaxTextMessageBytes() {
    return maxTextMessageBytes;
  }

  public FrameLoopOptions setMaxTextMessageBytes(int maxTextMessageBytes) {
    this.maxTextMessageBytes = maxTextMessageBytes;
    return this;
  }

  public int getMaxWidth() {
    return maxWidth;
  }

  public FrameLoopOptions setMaxWidth(int maxWidth) {
    this.maxWidth = maxWidth;
    return this;
  }

  public int getMaxHeight() {
    return maxHeight;
  }

  public FrameLoopOptions setMaxHeight(int maxHeight) {
    this.maxHeight = maxHeight;
    return this;
  }

  public long getMaxPixels() {
    return maxPixels;
  }

  public FrameLoopOptions setMaxPixels(long maxPixels) {
    this.maxPixels = maxPixels;
    return this;
  }

  public int getMaxFps() {
    return maxFps;
  }

  /** Frames per second a session may send; more are dropped as {@code rate_limited}. 0: no limit. */
  public FrameLoopOptions setMaxFps(int maxFps) {
    this.maxFps = maxFps;
    return this;
  }

  public int getWriteQueueMaxBytes() {
    return writeQueueMaxBytes;
  }

  public FrameLoopOptions setWriteQueueMaxBytes(int writeQueueMaxBytes) {
    this.writeQueueMaxBytes = writeQueueMaxBytes;
    return this;
  }

  public long getProcessTimeoutMs() {
    return processTimeoutMs;
  }

  public FrameLoopOptions setProcessTimeoutMs(long processTimeoutMs) {
    this.processTimeoutMs = processTimeoutMs;
    return this;
  }

  public long getStatsIntervalMs() {
    return statsIntervalMs;
  }

  public FrameLoopOptions setStatsIntervalMs(long statsIntervalMs) {
    this.statsIntervalMs = statsIntervalMs;
    return this;
  }

  public String getFaceCascade() {
    return faceCascade;
  }

  public FrameLoopOptions setFaceCascade(String faceCascade) {
    this.faceCascade = faceCascade;
    return this;
  }

  public String getAddress() {
    return address;
  }

  /**
   * The event-bus address of this server's workers. Two FrameLoops in one Vert.x instance with
   * different ops need different addresses; in a cluster, fronts and workers share one.
   */
  public FrameLoopOptions setAddress(String address) {
    this.address = address;
    return this;
  }

  public boolean isTlsSelfSigned() {
    return tlsSelfSigned;
  }

  /** Serve HTTPS with a self-signed certificate made at start-up: for development on a LAN. */
  public FrameLoopOptions setTlsSelfSigned(boolean tlsSelfSigned) {
    this.tlsSelfSigned = tlsSelfSigned;
    return this;
  }

  public String getTlsCertPath() {
    return tlsCertPath;
  }

  /** PEM certificate (chain) file; goes with {@link #setTlsKeyPath}. */
  public FrameLoopOptions setTlsCertPath(String tlsCertPath) {
    this.tlsCertPath = tlsCertPath;
    return this;
  }

  public String getTlsKeyPath() {
    return tlsKeyPath;
  }

  /** PEM private key file (PKCS#8 or PKCS#1). */
  public FrameLoopOptions setTlsKeyPath(String tlsKeyPath) {
    this.tlsKeyPath = tlsKeyPath;
    return this;
  }

  public String getTlsKeyStorePath() {
    return tlsKeyStorePath;
  }

  /** PKCS#12 key store with the key and certificate; instead of PEM files. */
  public FrameLoopOptions setTlsKeyStorePath(String tlsKeyStorePath) {
    this.tlsKeyStorePath = tlsKeyStorePath;
    return this;
  }

  public String getTlsKeyStorePassword() {
    return tlsKeyStorePassword;
  }

  public FrameLoopOptions setTlsKeyStorePassword(String tlsKeyStorePassword) {
    this.tlsKeyStorePassword = tlsKeyStorePassword;
    return this;
  }

  public int getMaxSessions() {
    return maxSessions;
  }

  /** Concurrent sessions; the next upgrade is refused with HTTP 503. */
  public FrameLoopOptions setMaxSessions(int maxSessions) {
    this.maxSessions = maxSessions;
    return this;
  }

  public int getIdleTimeoutSeconds() {
    return idleTimeoutSeconds;
  }

  /** A session that sends nothing for this long is closed (1000, with the reason); 0: never. */
  public FrameLoopOptions setIdleTimeoutSeconds(int idleTimeoutSeconds) {
    this.idleTimeoutSeconds = idleTimeoutSeconds;
    return this;
  }

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  /**
   * Browser origins allowed to open a session besides the page's own, e.g.
   * {@code https://app.example.com}; without a port, any port; {@code "*"} for any origin.
   */
  public FrameLoopOptions setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = List.copyOf(allowedOrigins);
    return this;
  }

  public String getMetricsPath() {
    return metricsPath;
  }

  /** Where {@link FrameLoop#mount} serves Prometheus metrics; empty: not served. */
  public FrameLoopOptions setMetricsPath(String metricsPath) {
    this.metricsPath = metricsPath;
    return this;
  }

  public String getHealthPath() {
    return healthPath;
  }

  /** Where {@link FrameLoop#mount} serves the health check; empty: not served. */
  public FrameLoopOptions setHealthPath(String healthPath) {
    this.healthPath = healthPath;
    return this;
  }

  public String getJpegCodec() {
    return jpegCodec;
  }

  /**
   * {@code auto} (default): Debian's SIMD libjpeg-turbo ({@code libturbojpeg.so.0}) when it loads,
   * else OpenCV's bundled codec; {@code turbojpeg} or {@code opencv} to insist on one.
   */
  public FrameLoopOptions setJpegCodec(String jpegCodec) {
    this.jpegCodec = jpegCodec;
    return this;
  }

  public String getNodeName() {
    return nodeName;
  }

  /** This node's name in stats and logs (default: host name and process id). */
  public FrameLoopOptions setNodeName(String nodeName) {
    this.nodeName = nodeName;
    return this;
  }

  public String getRole() {
    return role;
  }

  /** {@code both} (default), {@code front} (WebSocket sessions only) or {@code worker} (processing only, no HTTP). */
  public FrameLoopOptions setRole(String role) {
    if (!List.of("both", "front", "worker").contains(role)) {
      throw new IllegalArgumentException("role must be both, front or worker, got " + role);
    }
    this.role = role;
    return this;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  /** Frames in the workers at once from this front end; 0: automatic (see {@link #effectiveMaxInFlight}). */
  public FrameLoopOptions setMaxInFlight(int maxInFlight) {
    this.maxInFlight = maxInFlight;
    return this;
  }

  public boolean isCluster() {
    return cluster;
  }

  /** Join a Vert.x cluster (Hazelcast, TCP/IP member list) so that workers on other nodes share the frames. */
  public FrameLoopOptions setCluster(boolean cluster) {
    this.cluster = cluster;
    return this;
  }

  public String getClusterHost() {
    return clusterHost;
  }

  /** The address this node's Hazelcast and event bus bind to and announce. */
  public FrameLoopOptions setClusterHost(String clusterHost) {
    this.clusterHost = clusterHost;
    return this;
  }

  public int getClusterPort() {
    return clusterPort;
  }

  /** Hazelcast's port on this node. */
  public FrameLoopOptions setClusterPort(int clusterPort) {
    this.clusterPort = clusterPort;
    return this;
  }

  public List<String> getClusterMembers() {
    return clusterMembers;
  }

  /** {@code host:port} of the cluster's members (Hazelcast TCP/IP join; no multicast needed). */
  public FrameLoopOptions setClusterMembers(List<String> clusterMembers) {
    this.clusterMembers = List.copyOf(clusterMembers);
    return this;
  }

  public int getEventBusPort() {
    return eventBusPort;
  }

  /** The clustered event bus's port on this node; 0 for any free port. */
  public FrameLoopOptions setEventBusPort(int eventBusPort) {
    this.eventBusPort = eventBusPort;
    return this;
  }
}
