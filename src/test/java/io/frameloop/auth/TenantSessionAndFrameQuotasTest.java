package io.frameloop.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Tokens;
import io.frameloop.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-tenant quotas: sessions (429 before the upgrade) and frames a second over all of a tenant's sessions. */
@ExtendWith(VertxExtension.class)
class TenantSessionAndFrameQuotasTest {

  private static Map<String, String> bearer(Tokens tokens, String tenant) {
    return Map.of("Authorization", "Bearer " + tokens.valid(tenant));
  }

  @Test
  void aTenantOverItsSessionQuotaGets429WhileOthersConnect(Vertx vertx) {
    int port = TestServers.start(vertx, SessionAuthTest.options(a -> a.setAuthJwtSecret(Tokens.SECRET)
      .setMaxSessionsPerTenant(2))).actualPort();
    Tokens tokens = Tokens.hs256(vertx, Tokens.SECRET);
    FrameClient first = FrameClient.connect(vertx, port, bearer(tokens, "acme"));
    try (FrameClient second = FrameClient.connect(vertx, port, bearer(tokens, "acme"));
         FrameClient other = FrameClient.connect(vertx, port, bearer(tokens, "globex"))) {
      assertThatThrownBy(() -> FrameClient.connect(vertx, port, bearer(tokens, "acme")))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> {
          assertThat(e.getStatus()).isEqualTo(429);
          assertThat(e.getBody().toString()).contains("acme").contains("2");
        });
      other.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(other.nextBinary()).header().sequence()).isEqualTo(1);

      Metrics metrics = Metrics.scrape(port, SessionAuthTest.SCRAPE);
      assertThat(metrics.value("frameloop_tenant_sessions{tenant=\"acme\"}")).isEqualTo(2);
      assertThat(metrics.value("frameloop_tenant_sessions_refused_total{tenant=\"acme\"}")).isEqualTo(1);
      assertThat(metrics.value("frameloop_tenant_frames_out_total{tenant=\"globex\"}")).isEqualTo(1);
      assertThat(metrics.value("frameloop_sessions_rejected_total{reason=\"tenant_sessions\"}")).isEqualTo(1);

      // A closed session gives its slot back.
      first.close();
      Wait.until("acme admitted again once one of its sessions closed", () -> tryConnect(vertx, port, bearer(tokens, "acme")));
    }
  }

  private static JsonObject quiet(FrameClient client, long framesIn) {
    return client.nextStats(stats -> stats.getLong("in") == framesIn && stats.getInteger("pending") == 0);
  }

  private static boolean tryConnect(Vertx vertx, int port, Map<String, String> headers) {
    try {
      FrameClient.connect(vertx, port, headers).close();
      return true;
    } catch (UpgradeRejectedException e) {
      return false;
    }
  }

  @Test
  void aTenantsFramesPerSecondAreSharedByItsSessions(Vertx vertx) {
    int port = TestServers.start(vertx, SessionAuthTest.options(a -> a.setAuthJwtSecret(Tokens.SECRET)
      .setMaxFpsPerTenant(10))).actualPort();
    Tokens tokens = Tokens.hs256(vertx, Tokens.SECRET);
    Buffer frame = Images.jpeg(Images.canvas(64, 48, Images.BLUE, null, null));
    try (FrameClient a1 = FrameClient.connect(vertx, port, bearer(tokens, "acme"));
         FrameClient a2 = FrameClient.connect(vertx, port, bearer(tokens, "acme"));
         FrameClient other = FrameClient.connect(vertx, port, bearer(tokens, "globex"))) {
      for (int seq = 1; seq <= 30; seq++) {
        a1.sendFramed(seq, 0, frame);
        a2.sendFramed(seq, 0, frame);
        other.sendFramed(seq, 0, frame);
      }
      long limited = 0;
      for (FrameClient client : new FrameClient[] {a1, a2}) {
        JsonObject stats = quiet(client, 30);
        limited += stats.getJsonObject("dropped").getLong("rate_limited");
      }
      // 60 frames at once against a bucket of one second's worth (10): about 50 refused, whichever session sent them.
      assertThat(limited).isBetween(40L, 50L);
      // The other tenant's 30 frames fit its own quota of 10 a second only in part, but they are its own:
      // none of acme's drops are charged to it, and it is limited by its own bucket alone.
      JsonObject otherStats = quiet(other, 30);
      assertThat(otherStats.getJsonObject("dropped").getLong("rate_limited")).isBetween(10L, 20L);
      Metrics metrics = Metrics.scrape(port, SessionAuthTest.SCRAPE);
      assertThat(metrics.value("frameloop_tenant_frames_dropped_total{reason=\"rate_limited\",tenant=\"acme\"}"))
        .isEqualTo(limited);
    }
  }
}
