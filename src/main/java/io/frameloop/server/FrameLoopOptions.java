package io.frameloop.server;

import io.frameloop.auth.AuthOptions;
import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.OpSettings;
import io.frameloop.pipeline.PipelineLimits;
import io.frameloop.pipeline.ops.faces.FaceOptions;
import io.frameloop.protocol.HelloLimits;
import io.frameloop.record.RecordingOptions;
import io.frameloop.session.SessionOptions;
import io.frameloop.worker.WorkerOptions;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * Everything a FrameLoop server is configured with, one options object per owner: Vert.x's
 * {@link HttpServerOptions}, {@link RouteOptions}, {@link ConnectionLimits}, {@link SessionOptions},
 * {@link ImageLimits}, {@link WorkerOptions}, {@link PipelineLimits}, {@link ClusterOptions},
 * {@link AuthOptions}, {@link RecordingOptions}, {@link FaceOptions}; plus the pipeline. The JSON
 * converters are generated, and the owners nest as Vert.x's own options do:
 * {@code {"sessionOptions":{"maxFps":30}}}, which {@link #toJson} gives. Today's flat keys
 * ({@code {"maxFps":30}}, and {@code host}, {@code port} and {@code tls*} for
 * {@code httpServerOptions}) are read too, as {@link ConfigAliases} rewrites them; a flat key wins
 * over the same setting in its owner's object. A key no option reads is named in a warning.
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
  /** Where each processed frame's results are published on the local event bus: see {@link #setResultsAddress}. */
  public static final String DEFAULT_RESULTS_ADDRESS = "frameloop.results";
  /** How long a closing server waits for its sessions to move: see {@link #setDrainGraceMs}. */
  public static final long DEFAULT_DRAIN_GRACE_MS = 10_000;
  /** The cluster's TLS files, a private key among them: not for the ops. */
  private static final List<String> SECRET_CLUSTER_FILES = List.of("clusterTlsCertPath", "clusterTlsKeyPath", "clusterTlsCaPath");

  private HttpServerOptions httpServerOptions = HttpServerConfig.defaults();
  private SessionOptions sessionOptions = new SessionOptions();
  private ImageLimits imageLimits = new ImageLimits();
  private PipelineLimits pipelineLimits = new PipelineLimits();
  private RouteOptions routeOptions = new RouteOptions();
  private ConnectionLimits connectionLimits = new ConnectionLimits();
  private WorkerOptions workerOptions = new WorkerOptions();
  private ClusterOptions clusterOptions = new ClusterOptions();
  private AuthOptions authOptions = new AuthOptions();
  private RecordingOptions recordingOptions = new RecordingOptions();
  private FaceOptions faceOptions = new FaceOptions();
  private boolean tlsSelfSigned;
  private JsonObject pipeline = DEFAULT_PIPELINE.copy();
  private boolean cluster;
  private String nodeName;
  private String resultsAddress = DEFAULT_RESULTS_ADDRESS;
  private List<String> trustedProxies = List.of();
  private long drainGraceMs = DEFAULT_DRAIN_GRACE_MS;

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
    // An owner given as text (an environment variable) becomes an object before flat keys join it,
    // and before its keys are checked.
    JsonObject typed = ConfigValues.coerce(json, Types.TYPES);
    ConfigKeys.warnUnknown(typed);
    // Without the keys just warned about: the owners' JSON constructors would warn again.
    JsonObject config = ConfigKeys.withoutUnknown(ConfigAliases.nest(typed));
    // The generated converter builds each owner from its object (its JSON constructor checks its values).
    ConfigValues.read(config, Types.TYPES, FrameLoopOptionsConverter::fromJson, this);
    httpServerOptions = HttpServerConfig.fromJson(config.getJsonObject(ConfigAliases.HTTP_SERVER_OPTIONS));
  }

  /** Every top-level key's type: the defaults' JSON. */
  private static final class Types {
    static final JsonObject TYPES = new FrameLoopOptions().toJson();
  }

  /** The options in the nested form: each owner under its own key, {@code httpServerOptions} as far as they differ from Vert.x's defaults. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    FrameLoopOptionsConverter.toJson(this, json);
    return json.put("pipeline", pipeline.copy())
      .put(ConfigAliases.HTTP_SERVER_OPTIONS, HttpServerConfig.toJson(httpServerOptions));
  }

  /**
   * What ops are configured with ({@code OpRegistry.withDefaults(options.opSettings())},
   * each plug-in's {@code configure}): the settings as flat keys ({@code faceCascade},
   * {@code faceModel}, {@code maxWidth}...), without the secrets: nothing of {@code authOptions}
   * (token keys, {@code managementToken}), of {@code httpServerOptions} (TLS keys and their
   * passwords) or the cluster's TLS files.
   */
  public OpSettings opSettings() {
    JsonObject settings = ConfigAliases.flatten(toJson());
    settings.remove(ConfigAliases.HTTP_SERVER_OPTIONS);
    ConfigAliases.OWNER_KEYS.get("authOptions").forEach(settings::remove);
    SECRET_CLUSTER_FILES.forEach(settings::remove);
    return OpSettings.of(settings);
  }

  /** The limits {@code hello} tells every client about, from the owners that set them. */
  public HelloLimits helloLimits() {
    return new HelloLimits()
      .setMaxMessageBytes(sessionOptions.getMaxMessageBytes())
      .setMaxTextMessageBytes(sessionOptions.getMaxTextMessageBytes())
      .setMaxWidth(imageLimits.getMaxWidth())
      .setMaxHeight(imageLimits.getMaxHeight())
      .setMaxPixels(imageLimits.getMaxPixels())
      .setMaxFps(sessionOptions.getMaxFps())
      .setMaxOps(pipelineLimits.getMaxOps())
      .setMaxFrameCostMs(pipelineLimits.getMaxFrameCostMs())
      .setMaxSessions(sessionOptions.getMaxSessions())
      .setIdleTimeoutSeconds(sessionOptions.getIdleTimeoutSeconds());
  }

  /**
   * The options FrameLoop's own server listens with ({@link FrameLoopVerticle}): {@link #getHttpServerOptions}
   * plus {@link #applyWebSocketSettings}, HTTP/1.1 only, and the self-signed certificate when
   * {@code tlsSelfSigned} (making it blocks: call off the event loop). They keep
   * {@code strictThreadMode} on: to mount FrameLoop on your own server, use
   * {@link #applyWebSocketSettings} on your server's options instead.
   */
  public HttpServerOptions listenOptions() {
    return HttpServerConfig.forFrames(httpServerOptions, sessionOptions.getMaxMessageBytes(), tlsSelfSigned,
      connectionLimits.getHeaderTimeoutMs());
  }

  /**
   * Sets on {@code serverOptions} (your own server's) only what the frames WebSocket needs, and
   * returns them: messages and frames of up to {@code maxMessageBytes}, no compression, the
   * {@code frameloop.v1} subprotocol (added to any you set). Nothing else changes: not
   * {@code strictThreadMode}, so that your routes may answer from any thread.
   */
  public HttpServerOptions applyWebSocketSettings(HttpServerOptions serverOptions) {
    return HttpServerConfig.applyWebSocketSettings(serverOptions, sessionOptions.getMaxMessageBytes());
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

  /**
   * Not converted by the generated converter, which would start from Vert.x's defaults (port 80,
   * every interface): {@code HttpServerConfig} starts from FrameLoop's.
   */
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

  public RouteOptions getRouteOptions() {
    return routeOptions;
  }

  public FrameLoopOptions setRouteOptions(RouteOptions routeOptions) {
    this.routeOptions = Objects.requireNonNull(routeOptions, "routeOptions");
    return this;
  }

  public ConnectionLimits getConnectionLimits() {
    return connectionLimits;
  }

  public FrameLoopOptions setConnectionLimits(ConnectionLimits connectionLimits) {
    this.connectionLimits = Objects.requireNonNull(connectionLimits, "connectionLimits");
    return this;
  }

  public SessionOptions getSessionOptions() {
    return sessionOptions;
  }

  public FrameLoopOptions setSessionOptions(SessionOptions sessionOptions) {
    this.sessionOptions = Objects.requireNonNull(sessionOptions, "sessionOptions");
    return this;
  }

  public ImageLimits getImageLimits() {
    return imageLimits;
  }

  public FrameLoopOptions setImageLimits(ImageLimits imageLimits) {
    this.imageLimits = Objects.requireNonNull(imageLimits, "imageLimits");
    return this;
  }

  public PipelineLimits getPipelineLimits() {
    return pipelineLimits;
  }

  public FrameLoopOptions setPipelineLimits(PipelineLimits pipelineLimits) {
    this.pipelineLimits = Objects.requireNonNull(pipelineLimits, "pipelineLimits");
    return this;
  }

  public WorkerOptions getWorkerOptions() {
    return workerOptions;
  }

  public FrameLoopOptions setWorkerOptions(WorkerOptions workerOptions) {
    this.workerOptions = Objects.requireNonNull(workerOptions, "workerOptions");
    return this;
  }

  public ClusterOptions getClusterOptions() {
    return clusterOptions;
  }

  public FrameLoopOptions setClusterOptions(ClusterOptions clusterOptions) {
    this.clusterOptions = Objects.requireNonNull(clusterOptions, "clusterOptions");
    return this;
  }

  public AuthOptions getAuthOptions() {
    return authOptions;
  }

  public FrameLoopOptions setAuthOptions(AuthOptions authOptions) {
    this.authOptions = Objects.requireNonNull(authOptions, "authOptions");
    return this;
  }

  /** Recording sessions: off unless {@code recordDir} is set. */
  public RecordingOptions getRecordingOptions() {
    return recordingOptions;
  }

  public FrameLoopOptions setRecordingOptions(RecordingOptions recordingOptions) {
    this.recordingOptions = Objects.requireNonNull(recordingOptions, "recordingOptions");
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

  public JsonObject getPipeline() {
    return pipeline;
  }

  /** The pipeline new sessions start with: {@code {"ops":[...],"quality":N}}. */
  public FrameLoopOptions setPipeline(JsonObject pipeline) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    return this;
  }

  public FaceOptions getFaceOptions() {
    return faceOptions;
  }

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

  public String getResultsAddress() {
    return resultsAddress;
  }

  /**
   * The event-bus address where every processed frame's results are published, on this node only
   * (the node where the session lives), whenever the session's pipeline has an op that reports results:
   * {@code {"session":id,"tenant":t,"seq":n,"timestamp":ms,"results":{...}}}. For the host
   * application's consumers ({@code vertx.eventBus().localConsumer(address, ...)}); clients never see it.
   */
  public FrameLoopOptions setResultsAddress(String resultsAddress) {
    Objects.requireNonNull(resultsAddress, "resultsAddress");
    if (resultsAddress.isBlank()) {
      throw new IllegalArgumentException("resultsAddress must not be empty");
    }
    this.resultsAddress = resultsAddress;
    return this;
  }

  public long getDrainGraceMs() {
    return drainGraceMs;
  }

  /**
   * How long {@code close()} (and SIGTERM) drains before it closes what is left: at once readiness
   * goes DOWN and upgrades get 503 with {@code Retry-After: 1}; each session gets {@code goaway}, its
   * held frames are answered and it closes with 1012 (Service Restart), its client reconnecting at
   * once. Sessions still open when the grace ends are closed with 1012 then. 0: close every session
   * at once with 1001, as before drains.
   */
  public FrameLoopOptions setDrainGraceMs(long drainGraceMs) {
    this.drainGraceMs = Ranges.atLeast("drainGraceMs", drainGraceMs, 0);
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

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  /**
   * The reverse proxies in front ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}): only from
   * these peers are {@code Forwarded}, {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and
   * {@code X-Forwarded-Host} believed, so that logs, the Host and the Origin checks see the browser
   * and the public host. Empty (the default): no forwarded header is believed.
   *
   * @throws IllegalArgumentException for an entry that is no IP address or CIDR
   */
  public FrameLoopOptions setTrustedProxies(List<String> trustedProxies) {
    TrustedProxies.of(trustedProxies);
    this.trustedProxies = List.copyOf(trustedProxies);
    return this;
  }
}
