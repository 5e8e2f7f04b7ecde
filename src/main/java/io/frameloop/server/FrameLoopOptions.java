package io.frameloop.server;

import io.frameloop.auth.AuthOptions;
import io.frameloop.auth.AuthOptionsConverter;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.ImageLimitsConverter;
import io.frameloop.pipeline.PipelineLimits;
import io.frameloop.pipeline.PipelineLimitsConverter;
import io.frameloop.pipeline.ops.faces.FaceOptions;
import io.frameloop.pipeline.ops.faces.FaceOptionsConverter;
import io.frameloop.record.RecordingOptions;
import io.frameloop.record.RecordingOptionsConverter;
import io.frameloop.session.SessionOptions;
import io.frameloop.session.SessionOptionsConverter;
import io.frameloop.worker.WorkerOptions;
import io.frameloop.worker.WorkerOptionsConverter;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Everything a FrameLoop server is configured with, one options object per owner: Vert.x's
 * {@link HttpServerOptions}, {@link RouteOptions}, {@link ConnectionLimits}, {@link SessionOptions},
 * {@link ImageLimits}, {@link WorkerOptions}, {@link PipelineLimits}, {@link ClusterOptions},
 * {@link AuthOptions}, {@link RecordingOptions}, {@link FaceOptions}; plus the pipeline. The JSON
 * converters are generated. In JSON the owners' keys sit side by side (as in {@code config.json}),
 * Vert.x's HTTP settings under {@code httpServerOptions}, with {@code host}, {@code port} and
 * {@code tls*} as shortcuts.
 */
@DataObject
@JsonGen(publicConverter = false)
public class FrameLoopOptions {

  /** Loopback: other machines need {@code 0.0.0.0} (and HTTPS, for browsers to share the camera). */
  public static final String DEFAULT_HOST = HttpServerConfig.DEFAULT_HOST;
  public static final int DEFAULT_PORT = HttpServerConfig.DEFAULT_PORT;
  /** The original design's work: resize to 700 wide, mirror, JPEG quality 80. */
  public static final JsonObject DEFAULT_PIPELINE = new JsonObject()
    .put("ops", new JsonArray()
      .add(new JsonObject().put("op", "resize").put("width", 700))
      .add(new JsonObject().put("op", "flip").put("axis", "horizontal")))
    .put("quality", 80);

  private HttpServerOptions httpServerOptions = HttpServerConfig.defaults();
  private SessionOptions sessionOptions = new SessionOptions();
  private ImageLimits imageLimits = new ImageLimits();
  private PipelineLimits pipelineLimits = new PipelineLimits();
  private RouteOptions routeOptions = new RouteOptions();
  private ConnectionLimits connectionLimits = new ConnectionLimits();
  private WorkerOptions workerOptions = new WorkerOptions();
  private ClusterOptions clusterOptions = new ClusterOptions();
  private AuthOptions authOptions = new AuthOptions();
  private final RecordingOptions recordingOptions = new RecordingOptions();
  private FaceOptions faceOptions = new FaceOptions();
  private boolean tlsSelfSigned;
  private JsonObject pipeline = DEFAULT_PIPELINE.copy();
  private boolean cluster;
  private String nodeName;

  public FrameLoopOptions() {
  }

  public FrameLoopOptions(FrameLoopOptions other) {
    this(other.toJson());
    // Vert.x's copy keeps key/cert options that have no JSON form (e.g. set in code).
    httpServerOptions = new HttpServerOptions(other.httpServerOptions);
  }

  /**
   * Options from configuration JSON; a missing key keeps its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public FrameLoopOptions(JsonObject json) {
    JsonObject config = ConfigValues.coerce(json, Types.TYPES);
    ConfigValues.apply(config, FrameLoopOptionsConverter::fromJson, this);
    ConfigValues.apply(config, RouteOptionsConverter::fromJson, routeOptions);
    ConfigValues.apply(config, ConnectionLimitsConverter::fromJson, connectionLimits);
    ConfigValues.apply(config, SessionOptionsConverter::fromJson, sessionOptions);
    ConfigValues.apply(config, ImageLimitsConverter::fromJson, imageLimits);
    ConfigValues.apply(config, PipelineLimitsConverter::fromJson, pipelineLimits);
    ConfigValues.apply(config, WorkerOptionsConverter::fromJson, workerOptions);
    ConfigValues.apply(config, ClusterOptionsConverter::fromJson, clusterOptions);
    ConfigValues.apply(config, AuthOptionsConverter::fromJson, authOptions);
    ConfigValues.apply(config, RecordingOptionsConverter::fromJson, recordingOptions);
    ConfigValues.apply(config, FaceOptionsConverter::fromJson, faceOptions);
    httpServerOptions = HttpServerConfig.fromJson(config);
  }

  /** Every key's type: the defaults' JSON, and the HTTP shortcuts. */
  private static final class Types {
    static final JsonObject TYPES = new FrameLoopOptions().toJson().mergeIn(HttpServerConfig.shortcutTypes());
  }

  /** The configuration keys, flat, as in {@code config.json}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    FrameLoopOptionsConverter.toJson(this, json);
    return json.put("pipeline", pipeline.copy())
      .put("httpServerOptions", HttpServerConfig.toJson(httpServerOptions))
      .mergeIn(routeOptions.toJson())
      .mergeIn(connectionLimits.toJson())
      .mergeIn(sessionOptions.toJson())
      .mergeIn(imageLimits.toJson())
      .mergeIn(pipelineLimits.toJson())
      .mergeIn(workerOptions.toJson())
      .mergeIn(clusterOptions.toJson())
      .mergeIn(authOptions.toJson())
      .mergeIn(recordingOptions.toJson())
      .mergeIn(faceOptions.toJson());
  }

  /**
   * The options to listen with (use them to mount FrameLoop on your own server): {@link #getHttpServerOptions}
   * plus what carries frames of up to {@code maxMessageBytes} without compression, and the
   * self-signed certificate when {@code tlsSelfSigned} (making it blocks: call off the event loop).
   */
  public HttpServerOptions listenOptions() {
    return HttpServerConfig.forFrames(httpServerOptions, sessionOptions.getMaxMessageBytes(), tlsSelfSigned);
  }

  /** Whether {@link #listenOptions} serve HTTPS and WSS. */
  @GenIgnore
  public boolean isTls() {
    return tlsSelfSigned || httpServerOptions.isSsl();
  }

  /** The worker verticles on this node: none for the {@code front} role, else {@code workerInstances} (0: one per processor). */
  public int effectiveWorkerInstances() {
    return clusterOptions.getRole() == Role.front ? 0 : workerOptions.effectiveWorkerInstances();
  }

  @GenIgnore
  public HttpServerOptions getHttpServerOptions() {
    return httpServerOptions;
  }

  /** Address, port, TLS and any other setting of Vert.x's HTTP server. */
  @GenIgnore
  public FrameLoopOptions setHttpServerOptions(HttpServerOptions httpServerOptions) {
    this.httpServerOptions = Objects.requireNonNull(httpServerOptions, "httpServerOptions");
    return this;
  }

  @GenIgnore
  public RouteOptions getRouteOptions() {
    return routeOptions;
  }

  @GenIgnore
  public FrameLoopOptions setRouteOptions(RouteOptions routeOptions) {
    this.routeOptions = Objects.requireNonNull(routeOptions, "routeOptions");
    return this;
  }

  @GenIgnore
  public ConnectionLimits getConnectionLimits() {
    return connectionLimits;
  }

  @GenIgnore
  public FrameLoopOptions setConnectionLimits(ConnectionLimits connectionLimits) {
    this.connectionLimits = Objects.requireNonNull(connectionLimits, "connectionLimits");
    return this;
  }

  @GenIgnore
  public SessionOptions getSessionOptions() {
    return sessionOptions;
  }

  @GenIgnore
  public FrameLoopOptions setSessionOptions(SessionOptions sessionOptions) {
    this.sessionOptions = Objects.requireNonNull(sessionOptions, "sessionOptions");
    return this;
  }

  @GenIgnore
  public ImageLimits getImageLimits() {
    return imageLimits;
  }

  @GenIgnore
  public FrameLoopOptions setImageLimits(ImageLimits imageLimits) {
    this.imageLimits = Objects.requireNonNull(imageLimits, "imageLimits");
    return this;
  }

  @GenIgnore
  public PipelineLimits getPipelineLimits() {
    return pipelineLimits;
  }

  @GenIgnore
  public FrameLoopOptions setPipelineLimits(PipelineLimits pipelineLimits) {
    this.pipelineLimits = Objects.requireNonNull(pipelineLimits, "pipelineLimits");
    return this;
  }

  @GenIgnore
  public WorkerOptions getWorkerOptions() {
    return workerOptions;
  }

  @GenIgnore
  public FrameLoopOptions setWorkerOptions(WorkerOptions workerOptions) {
    this.workerOptions = Objects.requireNonNull(workerOptions, "workerOptions");
    return this;
  }

  @GenIgnore
  public ClusterOptions getClusterOptions() {
    return clusterOptions;
  }

  @GenIgnore
  public FrameLoopOptions setClusterOptions(ClusterOptions clusterOptions) {
    this.clusterOptions = Objects.requireNonNull(clusterOptions, "clusterOptions");
    return this;
  }

  @GenIgnore
  public AuthOptions getAuthOptions() {
    return authOptions;
  }

  @GenIgnore
  public FrameLoopOptions setAuthOptions(AuthOptions authOptions) {
    this.authOptions = Objects.requireNonNull(authOptions, "authOptions");
    return this;
  }

  /** Recording sessions: off unless {@code recordDir} is set. */
  @GenIgnore
  public RecordingOptions getRecordingOptions() {
    return recordingOptions;
  }

  public boolean isTlsSelfSigned() {
    return tlsSelfSigned;
  }

  /** Serve HTTPS with a self-signed certificate made at start-up: for development on a LAN. */
  public FrameLoopOptions setTlsSelfSigned(boolean tlsSelfSigned) {
    this.tlsSelfSigned = tlsSelfSigned;
    return this;
  }

  public JsonObject getPipeline() {
    return pipeline;
  }

  /** The pipeline new sessions start with: {@code {"ops":[...],"quality":N}}. */
  public FrameLoopOptions setPipeline(JsonObject pipeline) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    return this;
  }

  @GenIgnore
  public FaceOptions getFaceOptions() {
    return faceOptions;
  }

  @GenIgnore
  public FrameLoopOptions setFaceOptions(FaceOptions faceOptions) {
    this.faceOptions = Objects.requireNonNull(faceOptions, "faceOptions");
    return this;
  }

  public boolean isCluster() {
    return cluster;
  }

  /** Join a Vert.x cluster (Hazelcast, TCP/IP member list; see {@link ClusterOptions}). */
  public FrameLoopOptions setCluster(boolean cluster) {
    this.cluster = cluster;
    return this;
  }

  public String getNodeName() {
    if (nodeName == null) {
      nodeName = NodeNames.ofThisProcess(); // a host-name look-up: only when needed
    }
    return nodeName;
  }

  /** This node's name in stats and logs (default: host name and process id). */
  public FrameLoopOptions setNodeName(String nodeName) {
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    return this;
  }
}
