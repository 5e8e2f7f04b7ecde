package io.frameloop.server;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.frameloop.worker.RemotePictureFormat;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * This node's part in a cluster: its role and how it finds and talks to the other members.
 * Part of {@link FrameLoopOptions}; the JSON names are the configuration keys.
 */
@DataObject
@JsonGen(publicConverter = true)
public class ClusterOptions {

  public static final Role DEFAULT_ROLE = Role.both;
  public static final String DEFAULT_CLUSTER_HOST = "127.0.0.1";
  public static final int DEFAULT_CLUSTER_PORT = 5701;
  public static final String DEFAULT_CLUSTER_NAME = "frameloop";
  public static final ClusterDiscovery DEFAULT_CLUSTER_DISCOVERY = ClusterDiscovery.members;
  public static final RemotePictureFormat DEFAULT_REMOTE_PICTURE_FORMAT = RemotePictureFormat.jpeg;

  private Role role = DEFAULT_ROLE;
  private String clusterHost = DEFAULT_CLUSTER_HOST;
  private int clusterPort = DEFAULT_CLUSTER_PORT;
  private List<String> clusterMembers = List.of(DEFAULT_CLUSTER_HOST + ":" + DEFAULT_CLUSTER_PORT);
  private int eventBusPort;
  private String clusterName = DEFAULT_CLUSTER_NAME;
  private ClusterDiscovery clusterDiscovery = DEFAULT_CLUSTER_DISCOVERY;
  private String clusterKubernetesService;
  private String clusterTlsCertPath;
  private String clusterTlsKeyPath;
  private String clusterTlsCaPath;
  private RemotePictureFormat remotePictureFormat = DEFAULT_REMOTE_PICTURE_FORMAT;

  public ClusterOptions() {
  }

  public ClusterOptions(ClusterOptions other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public ClusterOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), ClusterOptionsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ClusterOptionsConverter.toJson(this, json);
    return json;
  }

  public Role getRole() {
    return role;
  }

  /** {@code both} (default), {@code front} (WebSocket sessions only) or {@code worker} (processing only, no HTTP). */
  public ClusterOptions setRole(Role role) {
    this.role = Objects.requireNonNull(role, "role");
    return this;
  }

  public String getClusterHost() {
    return clusterHost;
  }

  /** The address this node's Hazelcast and event bus bind to and announce. */
  public ClusterOptions setClusterHost(String clusterHost) {
    this.clusterHost = clusterHost;
    return this;
  }

  public int getClusterPort() {
    return clusterPort;
  }

  /** Hazelcast's port on this node. */
  public ClusterOptions setClusterPort(int clusterPort) {
    this.clusterPort = Ranges.port("clusterPort", clusterPort);
    return this;
  }

  public List<String> getClusterMembers() {
    return clusterMembers;
  }

  /** {@code host:port} of the cluster's members (Hazelcast TCP/IP join; no multicast needed). */
  public ClusterOptions setClusterMembers(List<String> clusterMembers) {
    this.clusterMembers = List.copyOf(clusterMembers);
    return this;
  }

  public int getEventBusPort() {
    return eventBusPort;
  }

  /** The clustered event bus's port on this node; 0 for any free port. */
  public ClusterOptions setEventBusPort(int eventBusPort) {
    this.eventBusPort = Ranges.port("eventBusPort", eventBusPort);
    return this;
  }

  public String getClusterName() {
    return clusterName;
  }

  /** Hazelcast's cluster name: only members with the same name join each other (a name, not a secret). */
  public ClusterOptions setClusterName(String clusterName) {
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName must not be empty");
    }
    this.clusterName = clusterName;
    return this;
  }

  public ClusterDiscovery getClusterDiscovery() {
    return clusterDiscovery;
  }

  /** {@code members} (default: the {@code clusterMembers} list) or {@code kubernetes} (Hazelcast's Kubernetes discovery). */
  public ClusterOptions setClusterDiscovery(ClusterDiscovery clusterDiscovery) {
    this.clusterDiscovery = Objects.requireNonNull(clusterDiscovery, "clusterDiscovery");
    return this;
  }

  public String getClusterKubernetesService() {
    return clusterKubernetesService;
  }

  /**
   * With {@code clusterDiscovery} {@code kubernetes}: the Service whose endpoints are the members (a headless
   * Service on Hazelcast's port); unset, every Hazelcast endpoint in the namespace.
   */
  public ClusterOptions setClusterKubernetesService(String clusterKubernetesService) {
    if (clusterKubernetesService != null && clusterKubernetesService.isBlank()) {
      throw new IllegalArgumentException("clusterKubernetesService must not be empty");
    }
    this.clusterKubernetesService = clusterKubernetesService;
    return this;
  }

  public String getClusterTlsCertPath() {
    return clusterTlsCertPath;
  }

  /** This node's certificate (PEM, signed by the cluster CA) for the event bus; with the key and CA paths, mutual TLS between nodes. */
  public ClusterOptions setClusterTlsCertPath(String clusterTlsCertPath) {
    this.clusterTlsCertPath = clusterTlsCertPath;
    return this;
  }

  public String getClusterTlsKeyPath() {
    return clusterTlsKeyPath;
  }

  /** This node's private key (PEM, PKCS#8 or PKCS#1) for the event bus. */
  public ClusterOptions setClusterTlsKeyPath(String clusterTlsKeyPath) {
    this.clusterTlsKeyPath = clusterTlsKeyPath;
    return this;
  }

  public String getClusterTlsCaPath() {
    return clusterTlsCaPath;
  }

  /** The cluster CA's certificate (PEM): the event bus accepts only peers whose certificate it signed. */
  public ClusterOptions setClusterTlsCaPath(String clusterTlsCaPath) {
    this.clusterTlsCaPath = clusterTlsCaPath;
    return this;
  }

  public RemotePictureFormat getRemotePictureFormat() {
    return remotePictureFormat;
  }

  /**
   * What a front sends a worker on another node for a decoded video picture: {@code jpeg} (default), a q90
   * JPEG made on the front off the event loop (77 KB for 640x480, about 1.2 ms more CPU a frame), or
   * {@code raw}, the BGR pixels (921 KB: 221 Mbit/s per 30 frames/s session, so only for links of 10 Gbit/s
   * and more). Local workers always get the picture itself; JPEG frames travel as they came.
   */
  public ClusterOptions setRemotePictureFormat(RemotePictureFormat remotePictureFormat) {
    this.remotePictureFormat = Objects.requireNonNull(remotePictureFormat, "remotePictureFormat");
    return this;
  }
}
