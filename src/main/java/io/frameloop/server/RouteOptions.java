package io.frameloop.server;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where FrameLoop answers on a router, and which browser pages may open a session. Part of
 * {@link FrameLoopOptions}; the JSON names are the configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class RouteOptions {

  public static final String DEFAULT_FRAMES_PATH = "/frames";
  /** Empty: the built-in page, from FrameLoop's own class-path resources. */
  public static final String DEFAULT_WEBROOT = "";
  /** The page's own origin is always allowed; these are allowed too (any port). */
  public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of(
    "http://localhost", "https://localhost", "http://127.0.0.1", "https://127.0.0.1", "http://[::1]", "https://[::1]");
  /** Loopback names, IP addresses and the host the server listens on are always served; these are too. */
  public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of();
  public static final String DEFAULT_METRICS_PATH = "/metrics";
  public static final String DEFAULT_HEALTH_PATH = "/health";
  public static final String DEFAULT_LIVENESS_PATH = "/health/live";
  public static final String DEFAULT_READINESS_PATH = "/health/ready";
  /** No network may read the probes without the management token. */
  public static final List<String> DEFAULT_PROBE_NETWORKS = List.of();

  private String framesPath = DEFAULT_FRAMES_PATH;
  private String webroot = DEFAULT_WEBROOT;
  private String metricsPath = DEFAULT_METRICS_PATH;
  private String healthPath = DEFAULT_HEALTH_PATH;
  private String livenessPath = DEFAULT_LIVENESS_PATH;
  private String readinessPath = DEFAULT_READINESS_PATH;
  private List<String> probeNetworks = DEFAULT_PROBE_NETWORKS;
  private List<String> allowedOrigins = DEFAULT_ALLOWED_ORIGINS;
  private List<String> allowedHosts = DEFAULT_ALLOWED_HOSTS;

  public RouteOptions() {
  }

  public RouteOptions(RouteOptions other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public RouteOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), RouteOptionsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    RouteOptionsConverter.toJson(this, json);
    return json;
  }

  public String getFramesPath() {
    return framesPath;
  }

  /** The WebSocket path. */
  public RouteOptions setFramesPath(String framesPath) {
    this.framesPath = path("framesPath", framesPath, false);
    return this;
  }

  public String getWebroot() {
    return webroot;
  }

  /**
   * A directory with a page of your own to serve instead of the built-in one (it must hold an
   * {@code index.html}, so that a mistyped value such as {@code .} cannot serve the working
   * directory); empty for the built-in page.
   */
  public RouteOptions setWebroot(String webroot) {
    Objects.requireNonNull(webroot, "webroot");
    if (!webroot.isEmpty() && !Files.isRegularFile(Path.of(webroot, "index.html"))) {
      throw new IllegalArgumentException("must be a directory with an index.html, or empty for the built-in page; "
        + Path.of(webroot).toAbsolutePath() + " has none");
    }
    this.webroot = webroot;
    return this;
  }

  public String getMetricsPath() {
    return metricsPath;
  }

  /** Where {@code FrameLoop.mount} serves Prometheus metrics; empty: not served. */
  public RouteOptions setMetricsPath(String metricsPath) {
    this.metricsPath = path("metricsPath", metricsPath, true);
    return this;
  }

  public String getHealthPath() {
    return healthPath;
  }

  /** Where {@code FrameLoop.mount} serves the health check; empty: not served. */
  public RouteOptions setHealthPath(String healthPath) {
    this.healthPath = path("healthPath", healthPath, true);
    return this;
  }

  public String getLivenessPath() {
    return livenessPath;
  }

  /**
   * Where {@code FrameLoop.mount} serves the liveness probe (UP while the process answers: restart
   * it when DOWN or silent); empty: not served.
   */
  public RouteOptions setLivenessPath(String livenessPath) {
    this.livenessPath = path("livenessPath", livenessPath, true);
    return this;
  }

  public String getReadinessPath() {
    return readinessPath;
  }

  /**
   * Where {@code FrameLoop.mount} serves the readiness probe (UP while it takes sessions now: workers
   * present, not draining, below maxSessions); empty: not served.
   */
  public RouteOptions setReadinessPath(String readinessPath) {
    this.readinessPath = path("readinessPath", readinessPath, true);
    return this;
  }

  public List<String> getProbeNetworks() {
    return probeNetworks;
  }

  /**
   * CIDRs (e.g. {@code 10.0.0.0/8}, the orchestrator's network) whose peers read the probes without
   * the management token; everyone else needs it, as for {@code /health}. The connection's own peer
   * counts, never a forwarded header.
   */
  public RouteOptions setProbeNetworks(List<String> probeNetworks) {
    IpNetworks.parse("probeNetworks", probeNetworks); // refused here, with the key's name, not at start-up
    this.probeNetworks = List.copyOf(probeNetworks);
    return this;
  }

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  /**
   * Browser origins allowed to open a session besides the page's own, e.g.
   * {@code https://app.example.com}; without a port, any port; {@code "*"} for any origin.
   */
  public RouteOptions setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = List.copyOf(allowedOrigins);
    return this;
  }

  public List<String> getAllowedHosts() {
    return allowedHosts;
  }

  /**
   * Names in the {@code Host} header the server answers to besides loopback names
   * ({@code localhost}, {@code *.localhost}), IP addresses and the host it listens on, e.g.
   * {@code frames.example.com}; a leading dot ({@code .example.com}) allows that name and every
   * name under it; {@code "*"} allows any. Other names get HTTP 421: a page on a name that an
   * attacker points at this server (DNS rebinding) must not reach it.
   */
  public RouteOptions setAllowedHosts(List<String> allowedHosts) {
    this.allowedHosts = List.copyOf(allowedHosts);
    return this;
  }

  private static String path(String name, String path, boolean mayBeEmpty) {
    if (path == null || (path.isEmpty() && !mayBeEmpty) || (!path.isEmpty() && !path.startsWith("/"))) {
      throw new IllegalArgumentException(name + " must start with /" + (mayBeEmpty ? " (or be empty: not served)" : "")
        + ", got " + path);
    }
    return path;
  }
}
