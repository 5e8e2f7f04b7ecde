package io.frameloop.endtoend.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.Role;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 27 part 3: {@code /health/live} and {@code /health/ready} in vertx-health-check's JSON,
 * 200 UP or 503 DOWN. Readiness is DOWN without workers and at maxSessions (and while draining:
 * DrainTest); both are behind the management token like {@code /health}, except from a peer in
 * {@code probeNetworks}.
 */
@ExtendWith(VertxExtension.class)
class ProbesTest {

  private static final String TOKEN = "probe-test-management-token";

  private static int start(Vertx vertx, Consumer<FrameLoopOptions> setup) {
    return TestServers.start(vertx, TestServers.options(setup)).actualPort();
  }

  @Test
  void bothAreUpOnAServerThatTakesSessions(Vertx vertx) {
    int port = start(vertx, o -> o.getWorkerOptions().setAddress("frameloop.probes-up"));
    HttpResponse<String> live = Http.get(port, "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");
    HttpResponse<String> ready = Http.get(port, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(ready.body());
    assertThat(body.getString("outcome")).isEqualTo("UP");
    assertThat(ids(body)).containsExactlyInAnyOrder("workers", "accepting", "capacity");
  }

  @Test
  void readinessIsDownAtMaxSessionsAndUpAgainOnceOneCloses(Vertx vertx) {
    int port = start(vertx, o -> {
      o.getSessionOptions().setMaxSessions(1);
      o.getWorkerOptions().setAddress("frameloop.probes-full");
    });
    try (FrameClient only = FrameClient.connect(vertx, port)) {
      HttpResponse<String> full = Http.get(port, "/health/ready");
      assertThat(full.statusCode()).isEqualTo(503);
      JsonObject capacity = check(new JsonObject(full.body()), "capacity");
      assertThat(capacity.getString("status")).isEqualTo("DOWN");
      assertThat(capacity.getJsonObject("data")).isEqualTo(new JsonObject().put("sessions", 1).put("maxSessions", 1));
      assertThat(Http.get(port, "/health/live").statusCode()).as("full is alive").isEqualTo(200);
    }
    Wait.until("ready once the session is gone", () -> Http.get(port, "/health/ready").statusCode() == 200);
  }

  @Test
  void readinessIsDownWithoutWorkers(Vertx vertx) {
    int port = start(vertx, o -> {
      o.getClusterOptions().setRole(Role.front); // sessions only: no worker anywhere here
      o.getWorkerOptions().setAddress("frameloop.probes-front");
    });
    HttpResponse<String> ready = Http.get(port, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(check(new JsonObject(ready.body()), "workers").getString("status")).isEqualTo("DOWN");
    assertThat(Http.get(port, "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void withAManagementTokenTheProbesNeedItFromOutsideProbeNetworks(Vertx vertx) {
    int port = start(vertx, o -> {
      o.getAuthOptions().setManagementToken(TOKEN);
      o.getRouteOptions().setProbeNetworks(List.of("10.0.0.0/8", "fd00::/8")); // the loopback peer is outside
      o.getWorkerOptions().setAddress("frameloop.probes-guarded");
    });
    for (String probe : List.of("/health/live", "/health/ready")) {
      HttpResponse<String> refused = Http.get(port, probe);
      assertThat(refused.statusCode()).as(probe + " without the token").isEqualTo(401);
      assertThat(refused.body()).doesNotContain("UP", "DOWN");
      assertThat(Http.get(port, probe, Map.of("Authorization", "Bearer wrong-token-of-some-length")).statusCode())
        .as(probe + " with a wrong token").isEqualTo(401);
      assertThat(Http.get(port, probe, Map.of("Authorization", "Bearer " + TOKEN)).statusCode()).as(probe).isEqualTo(200);
    }
  }

  @Test
  void aPeerInProbeNetworksReadsTheProbesWithoutTheTokenButNotHealth(Vertx vertx) {
    int port = start(vertx, o -> {
      o.getAuthOptions().setManagementToken(TOKEN);
      o.getRouteOptions().setProbeNetworks(List.of("127.0.0.0/8"));
      o.getWorkerOptions().setAddress("frameloop.probes-network");
    });
    assertThat(Http.get(port, "/health/live").statusCode()).isEqualTo(200);
    assertThat(Http.get(port, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(Http.get(port, "/health").statusCode()).as("the full health check stays behind the token").isEqualTo(401);
    assertThat(Http.get(port, "/metrics").statusCode()).isEqualTo(401);
  }

  @Test
  void theProbeNetworksExemptionNeverCoversATrustedProxyOrAForwardedRequest(Vertx vertx) {
    // Review finding: an ingress inside the pod network, trusted as a proxy, let every client read the probes.
    int viaProxy = start(vertx, o -> {
      o.getAuthOptions().setManagementToken(TOKEN);
      o.getRouteOptions().setProbeNetworks(List.of("127.0.0.0/8"));
      o.setTrustedProxies(List.of("127.0.0.1"));
      o.getWorkerOptions().setAddress("frameloop.probes-proxy");
    });
    assertThat(Http.get(viaProxy, "/health/ready", Map.of("X-Forwarded-For", "203.0.113.9")).statusCode()).isEqualTo(401);
    assertThat(Http.get(viaProxy, "/health/live").statusCode()).as("the trusted proxy itself").isEqualTo(401);
    assertThat(Http.get(viaProxy, "/health/ready", Map.of("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(200);

    int direct = start(vertx, o -> {
      o.getAuthOptions().setManagementToken(TOKEN);
      o.getRouteOptions().setProbeNetworks(List.of("127.0.0.0/8"));
      o.getWorkerOptions().setAddress("frameloop.probes-forwarded");
    });
    for (String header : List.of("X-Forwarded-For", "Forwarded", "X-Forwarded-Host", "X-Forwarded-Proto")) {
      assertThat(Http.get(direct, "/health/ready", Map.of(header, header.equals("Forwarded") ? "for=203.0.113.9" : "203.0.113.9"))
        .statusCode()).as(header).isEqualTo(401);
    }
    assertThat(Http.get(direct, "/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void badProbeSettingsAreRefusedNamingTheKey() {
    for (String bad : List.of("not-an-address", "10.0.0.0/33", "10.0.0.0/x", "example.com/8", "::1/129")) {
      JsonObject config = new JsonObject().put("routeOptions", new JsonObject().put("probeNetworks", new JsonArray().add(bad)));
      assertThatThrownBy(() -> new FrameLoopOptions(config)).as(bad)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probeNetworks");
    }
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("readinessPath", "ready")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readinessPath");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("drainGraceMs", -1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainGraceMs must be at least 0");
    FrameLoopOptions read = new FrameLoopOptions(new JsonObject().put("drainGraceMs", 2500).put("livenessPath", "/alive")
      .put("probeNetworks", new JsonArray().add("10.1.0.0/16").add("192.168.1.7")));
    assertThat(read.getDrainGraceMs()).isEqualTo(2500);
    assertThat(read.getRouteOptions().getLivenessPath()).isEqualTo("/alive");
    assertThat(read.getRouteOptions().getProbeNetworks()).containsExactly("10.1.0.0/16", "192.168.1.7");
    assertThat(new FrameLoopOptions().getDrainGraceMs()).isEqualTo(FrameLoopOptions.DEFAULT_DRAIN_GRACE_MS).isEqualTo(10_000);
  }

  private static List<String> ids(JsonObject health) {
    return health.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")).toList();
  }

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(c -> (JsonObject) c).filter(c -> id.equals(c.getString("id")))
      .findFirst().orElseThrow(() -> new AssertionError("no check " + id + " in " + health));
  }
}
