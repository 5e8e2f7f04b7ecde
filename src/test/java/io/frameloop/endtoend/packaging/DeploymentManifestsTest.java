package io.frameloop.endtoend.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.server.ClusterDiscovery;
import io.frameloop.server.ClusterOptions;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.RouteOptions;
import io.frameloop.testing.CapturedLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code src/main/kubernetes/*.yaml} parse, and agree with each other, with config.json, the Dockerfile and the
 * server's settings: ports, probe paths, the grace period against preStop and the drain, the token from the
 * Secret, the cluster's Kubernetes discovery, the RBAC it needs, a user that is not root. Not run here: a
 * cluster ({@code kubectl apply --dry-run=client} needs an API server; there is none on this machine).
 */
class DeploymentManifestsTest {

  private static final Path DIRECTORY = Path.of("src", "main", "kubernetes");

  /** The server's own probe paths and drain grace (ProbesTest shows the server answering them). */
  static final String LIVENESS_PATH = RouteOptions.DEFAULT_LIVENESS_PATH;
  static final String READINESS_PATH = RouteOptions.DEFAULT_READINESS_PATH;
  static final long DEFAULT_DRAIN_GRACE_MS = FrameLoopOptions.DEFAULT_DRAIN_GRACE_MS;

  /** What the grace period keeps beyond the preStop sleep and the drain: the JVM's own stop. */
  static final long STOP_MARGIN_SECONDS = 5;

  private static List<JsonObject> documents;

  @BeforeAll
  static void read() throws IOException {
    documents = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(DIRECTORY, "*.yaml")) {
      for (Path file : files) {
        try (Reader reader = Files.newBufferedReader(file)) {
          for (Object document : new Yaml().loadAll(reader)) {
            assertThat(document).as(file + ": a Kubernetes object").isInstanceOf(Map.class);
            @SuppressWarnings("unchecked")
            JsonObject object = new JsonObject((Map<String, Object>) document);
            assertThat(object.getString("apiVersion")).as(file + ": apiVersion").isNotBlank();
            assertThat(object.getString("kind")).as(file + ": kind").isNotBlank();
            documents.add(object);
          }
        }
      }
    }
  }

  private static JsonObject object(String kind, String name) {
    return documents.stream().filter(d -> d.getString("kind").equals(kind) && d.getJsonObject("metadata").getString("name").equals(name))
      .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + DIRECTORY));
  }

  private static JsonObject podSpec() {
    return object("Deployment", "frameloop").getJsonObject("spec").getJsonObject("template").getJsonObject("spec");
  }

  private static JsonObject container() {
    JsonArray containers = podSpec().getJsonArray("containers");
    assertThat(containers).hasSize(1);
    return containers.getJsonObject(0);
  }

  private static int containerPort(String name) {
    return container().getJsonArray("ports").stream().map(JsonObject.class::cast).filter(p -> p.getString("name").equals(name))
      .findFirst().orElseThrow(() -> new AssertionError("no container port " + name)).getInteger("containerPort");
  }

  private static JsonObject env(String name) {
    return container().getJsonArray("env").stream().map(JsonObject.class::cast).filter(e -> e.getString("name").equals(name))
      .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
  }

  /** The configuration key of a FRAMELOOP_ variable, as the server reads it: FRAMELOOP_CLUSTER_HOST is clusterHost. */
  private static String key(String envName) {
    String[] words = envName.substring("FRAMELOOP_".length()).toLowerCase(Locale.ROOT).split("_");
    StringBuilder key = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      key.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return key.toString();
  }

  private static JsonObject config() throws IOException {
    return new JsonObject(Files.readString(Path.of("config.json")));
  }

  @Test
  void theContainerListensOnTheConfiguredPortTheImageExposesAndTheServiceTargetsIt() throws IOException {
    int port = config().getJsonObject("httpServerOptions").getInteger("port");
    assertThat(containerPort("http")).isEqualTo(port);
    assertThat(Integer.parseInt(DockerfileInstructions.read().one("EXPOSE"))).isEqualTo(port);
    JsonObject service = object("Service", "frameloop").getJsonObject("spec");
    assertThat(service.getJsonArray("ports").getJsonObject(0).getString("targetPort")).isEqualTo("http");
    assertThat(service.getJsonObject("selector").getMap())
      .isEqualTo(object("Deployment", "frameloop").getJsonObject("spec").getJsonObject("template").getJsonObject("metadata")
        .getJsonObject("labels").getMap());
  }

  @Test
  void theProbesAskForLivenessAndReadinessOnTheHttpPort() {
    for (String probe : List.of("startupProbe", "livenessProbe")) {
      assertThat(container().getJsonObject(probe).getJsonObject("httpGet").getString("path")).as(probe).isEqualTo(LIVENESS_PATH);
      assertThat(container().getJsonObject(probe).getJsonObject("httpGet").getString("port")).as(probe).isEqualTo("http");
    }
    JsonObject readiness = container().getJsonObject("readinessProbe").getJsonObject("httpGet");
    assertThat(readiness.getString("path")).isEqualTo(READINESS_PATH);
    assertThat(readiness.getString("port")).isEqualTo("http");
    // The kubelet sends no token: the probes' network is let in (RouteOptions probeNetworks).
    assertThat(env("FRAMELOOP_PROBE_NETWORKS").getString("value")).matches("[0-9a-f.:]+/[0-9]+(,[0-9a-f.:]+/[0-9]+)*");
  }

  @Test
  void theGracePeriodCoversThePreStopSleepTheDrainAndTheStop() throws IOException {
    long drainGraceMs = config().getLong("drainGraceMs", DEFAULT_DRAIN_GRACE_MS);
    JsonArray preStop = container().getJsonObject("lifecycle").getJsonObject("preStop").getJsonObject("exec").getJsonArray("command");
    assertThat(preStop.getString(0)).isEqualTo("sleep");
    long sleepSeconds = Long.parseLong(preStop.getString(1));
    assertThat(sleepSeconds).as("the Service stops sending connections before the drain").isPositive();
    assertThat(podSpec().getLong("terminationGracePeriodSeconds"))
      .isGreaterThanOrEqualTo(sleepSeconds + (drainGraceMs + 999) / 1000 + STOP_MARGIN_SECONDS);
    JsonObject rolling = object("Deployment", "frameloop").getJsonObject("spec").getJsonObject("strategy").getJsonObject("rollingUpdate");
    assertThat(rolling.getValue("maxUnavailable")).as("a new pod is ready before an old one drains").isEqualTo(0);
  }

  @Test
  void theManagementTokenComesFromTheSecret() {
    JsonObject reference = env("FRAMELOOP_MANAGEMENT_TOKEN").getJsonObject("valueFrom").getJsonObject("secretKeyRef");
    JsonObject secret = object("Secret", reference.getString("name"));
    assertThat(secret.getJsonObject("stringData").containsKey(reference.getString("key"))).isTrue();
    assertThat(env("FRAMELOOP_MANAGEMENT_TOKEN").containsKey("value")).as("no token written in the Deployment").isFalse();
  }

  @Test
  void everyFrameloopVariableIsAServerSettingAndTheClusterIsFoundThroughTheHeadlessService() {
    JsonObject settings = new JsonObject();
    for (Object item : container().getJsonArray("env")) {
      JsonObject variable = (JsonObject) item;
      String name = variable.getString("name");
      if (name.startsWith("FRAMELOOP_")) {
        // A value from the pod (its address) or the Secret: something of the right type in its place.
        String value = variable.containsKey("value") ? variable.getString("value")
          : variable.getJsonObject("valueFrom").containsKey("fieldRef") ? "10.1.2.3" : "a-token-from-the-secret";
        settings.put(key(name), value);
      }
    }
    FrameLoopOptions options;
    try (CapturedLog log = CapturedLog.from(Level.WARNING)) {
      options = new FrameLoopOptions(settings);
      assertThat(log.messages(Level.WARNING)).as("unknown keys among " + settings.fieldNames()).isEmpty();
    }
    ClusterOptions cluster = options.getClusterOptions();
    assertThat(settings.getString("cluster")).isEqualTo("true");
    assertThat(cluster.getClusterDiscovery()).isEqualTo(ClusterDiscovery.kubernetes);
    assertThat(cluster.getClusterHost()).isEqualTo("10.1.2.3");
    assertThat(env("FRAMELOOP_CLUSTER_HOST").getJsonObject("valueFrom").getJsonObject("fieldRef").getString("fieldPath"))
      .isEqualTo("status.podIP");
    assertThat(cluster.getEventBusPort()).isEqualTo(containerPort("eventbus"));
    assertThat(cluster.getClusterPort()).isEqualTo(containerPort("hazelcast"));

    JsonObject headless = object("Service", cluster.getClusterKubernetesService()).getJsonObject("spec");
    assertThat(headless.getString("clusterIP")).isEqualTo("None");
    assertThat(headless.getBoolean("publishNotReadyAddresses")).as("members join before they are ready").isTrue();
    JsonObject hazelcastPort = headless.getJsonArray("ports").getJsonObject(0);
    assertThat(hazelcastPort.getInteger("port")).isEqualTo(cluster.getClusterPort());
    assertThat(hazelcastPort.getString("targetPort")).isEqualTo("hazelcast");
    assertThat(options.getAuthOptions().getManagementToken()).isEqualTo("a-token-from-the-secret");
  }

  @Test
  void thePodsServiceAccountMayReadTheEndpointsHazelcastDiscovers() {
    String account = podSpec().getString("serviceAccountName");
    object("ServiceAccount", account);
    JsonObject binding = documents.stream().filter(d -> d.getString("kind").equals("RoleBinding")).findFirst().orElseThrow();
    assertThat(binding.getJsonArray("subjects").getJsonObject(0).getString("name")).isEqualTo(account);
    JsonObject role = object("Role", binding.getJsonObject("roleRef").getString("name"));
    JsonObject core = role.getJsonArray("rules").stream().map(JsonObject.class::cast)
      .filter(rule -> rule.getJsonArray("apiGroups").contains("")).findFirst().orElseThrow();
    assertThat(core.getJsonArray("resources").getList()).contains("endpoints", "pods");
    assertThat(core.getJsonArray("verbs").getList()).contains("get", "list");
  }

  @Test
  void thePodRunsAsTheImagesUserOnAReadOnlyRootWithItsHomeAndTmpWritable() throws IOException {
    DockerfileInstructions dockerfile = DockerfileInstructions.read();
    JsonObject pod = podSpec().getJsonObject("securityContext");
    assertThat(pod.getBoolean("runAsNonRoot")).isTrue();
    assertThat(pod.getInteger("runAsUser")).isEqualTo(Integer.parseInt(dockerfile.one("USER")));
    JsonObject container = container().getJsonObject("securityContext");
    assertThat(container.getBoolean("allowPrivilegeEscalation")).isFalse();
    assertThat(container.getBoolean("readOnlyRootFilesystem")).isTrue();
    assertThat(container.getJsonObject("capabilities").getJsonArray("drop").getList()).containsExactly("ALL");
    List<String> mounts = container().getJsonArray("volumeMounts").stream().map(m -> ((JsonObject) m).getString("mountPath")).toList();
    assertThat(mounts).containsExactlyInAnyOrder(dockerfile.runOption("--home-dir"), "/tmp");
  }
}
