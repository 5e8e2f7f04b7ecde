package io.frameloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.image.JpegCodecSetting;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.session.SessionOptions;
import io.frameloop.worker.WorkerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The composed options: flat configuration keys, generated converters, clear errors. */
class FrameLoopOptionsTest {

  @Test
  void everyOwnerReadsItsOwnFlatKeys() {
    FrameLoopOptions options = new FrameLoopOptions(new JsonObject()
      .put("port", 9100).put("host", "0.0.0.0")
      .put("maxFps", 12).put("maxWidth", 640).put("workerInstances", 3).put("jpegCodec", "opencv")
      .put("role", "front").put("clusterPort", 5800).put("framesPath", "/video"));
    assertThat(options.getHttpServerOptions().getPort()).isEqualTo(9100);
    assertThat(options.getHttpServerOptions().getHost()).isEqualTo("0.0.0.0");
    assertThat(options.getSessionOptions().getMaxFps()).isEqualTo(12);
    assertThat(options.getImageLimits().getMaxWidth()).isEqualTo(640);
    assertThat(options.getWorkerOptions().getWorkerInstances()).isEqualTo(3);
    assertThat(options.getWorkerOptions().getJpegCodec()).isEqualTo(JpegCodecSetting.opencv);
    assertThat(options.getClusterOptions().getRole()).isEqualTo(Role.front);
    assertThat(options.getClusterOptions().getClusterPort()).isEqualTo(5800);
    assertThat(options.getRouteOptions().getFramesPath()).isEqualTo("/video");
    assertThat(options.effectiveWorkerInstances()).as("a front has no workers of its own").isZero();
  }

  @Test
  void noTwoOwnersShareAKey() {
    List<JsonObject> owners = List.of(new SessionOptions().toJson(), new ImageLimits().toJson(), new WorkerOptions().toJson(),
      new ClusterOptions().toJson(), topLevelKeys());
    Set<String> seen = new HashSet<>();
    for (JsonObject owner : owners) {
      for (String key : owner.fieldNames()) {
        assertThat(seen.add(key)).as("key '" + key + "' belongs to one owner only").isTrue();
      }
    }
  }

  private static JsonObject topLevelKeys() {
    JsonObject json = new FrameLoopOptions().toJson();
    List.of(new SessionOptions().toJson(), new ImageLimits().toJson(), new WorkerOptions().toJson(), new ClusterOptions().toJson())
      .forEach(owner -> owner.fieldNames().forEach(json::remove));
    return json;
  }

  @Test
  void httpServerOptionsNestUnderTheirOwnKeyAndKeepFrameLoopsDefaults() {
    FrameLoopOptions options = new FrameLoopOptions(new JsonObject()
      .put("httpServerOptions", new JsonObject().put("idleTimeout", 30).put("maxHeaderSize", 4096)));
    assertThat(options.getHttpServerOptions().getIdleTimeout()).isEqualTo(30);
    assertThat(options.getHttpServerOptions().getMaxHeaderSize()).isEqualTo(4096);
    assertThat(options.getHttpServerOptions().getHost()).as("still loopback").isEqualTo(FrameLoopOptions.DEFAULT_HOST);
    assertThat(options.getHttpServerOptions().getPort()).isEqualTo(FrameLoopOptions.DEFAULT_PORT);
    assertThat(new FrameLoopOptions(options.toJson()).getHttpServerOptions().getIdleTimeout()).isEqualTo(30);
  }

  @Test
  void tlsShortcutsBecomeKeyCertOptionsAndSurviveJson() {
    FrameLoopOptions pem = new FrameLoopOptions(new JsonObject().put("tlsCertPath", "cert.pem").put("tlsKeyPath", "key.pem"));
    assertThat(pem.isTls()).isTrue();
    assertThat(pem.getHttpServerOptions().getKeyCertOptions()).isInstanceOfSatisfying(PemKeyCertOptions.class,
      kc -> assertThat(kc.getCertPaths()).containsExactly("cert.pem"));
    FrameLoopOptions copy = new FrameLoopOptions(pem.toJson());
    assertThat(copy.isTls()).isTrue();
    assertThat(copy.getHttpServerOptions().getKeyCertOptions()).isInstanceOf(PemKeyCertOptions.class);

    FrameLoopOptions pfx = new FrameLoopOptions(new JsonObject().put("tlsKeyStorePath", "keys.p12").put("tlsKeyStorePassword", "s3cret"));
    assertThat(pfx.getHttpServerOptions().getKeyCertOptions()).isInstanceOfSatisfying(PfxOptions.class,
      kc -> assertThat(kc.getPassword()).isEqualTo("s3cret"));
    assertThat(new FrameLoopOptions().isTls()).isFalse();
  }

  @Test
  void halfAPemPairIsAnError() {
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("tlsCertPath", "cert.pem")))
      .hasMessageContaining("tlsCertPath").hasMessageContaining("tlsKeyPath");
  }

  @Test
  void valuesFromEnvironmentVariablesTakeTheOptionsTypes() {
    FrameLoopOptions options = new FrameLoopOptions(new JsonObject()
      .put("clusterMembers", "10.0.0.1:5701, 10.0.0.2:5701")
      .put("allowedOrigins", "[\"https://app.example.com\"]")
      .put("pipeline", "{\"ops\":[{\"op\":\"gray\"}],\"quality\":60}")
      .put("nodeName", 42));
    assertThat(options.getClusterOptions().getClusterMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(options.getRouteOptions().getAllowedOrigins()).containsExactly("https://app.example.com");
    assertThat(options.getPipeline().getInteger("quality")).isEqualTo(60);
    assertThat(options.getNodeName()).isEqualTo("42");
  }

  @Test
  void aValueOfTheWrongTypeIsAnErrorNamingTheKeyNotSilentlyIgnored() {
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("maxFps", "fast")))
      .hasMessageContaining("'maxFps'").hasMessageContaining("must be a number");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("port", "eighty")))
      .hasMessageContaining("'port'");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("cluster", "yes")))
      .hasMessageContaining("'cluster'").hasMessageContaining("true or false");
  }

  @Test
  void numbersThatDoNotFitAreRefusedNotTruncated() {
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("maxFps", 4294967356L)))
      .hasMessageContaining("'maxFps'");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("maxWidth", 640.5)))
      .hasMessageContaining("'maxWidth'");
  }

  @Test
  void settersRefuseOutOfRangeValuesAndTheConfigurationErrorNamesTheKey() {
    assertThatThrownBy(() -> new SessionOptions().setMaxFps(-1)).hasMessageContaining("maxFps");
    assertThatThrownBy(() -> new ImageLimits().setMaxPixels(0)).hasMessageContaining("maxPixels");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("maxSessions", 0)))
      .hasMessageContaining("'maxSessions'").hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("role", "boss")))
      .hasMessageContaining("'role'").hasMessageContaining("must be one of both, front, worker, got boss");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("framesPath", "frames")))
      .hasMessageContaining("framesPath").hasMessageContaining("start with /");
  }

  @Test
  void aCopyIsIndependentOfItsOriginal() {
    FrameLoopOptions original = new FrameLoopOptions();
    original.getSessionOptions().setMaxFps(5);
    FrameLoopOptions copy = new FrameLoopOptions(original);
    original.getSessionOptions().setMaxFps(6);
    original.getHttpServerOptions().setPort(1);
    assertThat(copy.getSessionOptions().getMaxFps()).isEqualTo(5);
    assertThat(copy.getHttpServerOptions().getPort()).isEqualTo(FrameLoopOptions.DEFAULT_PORT);
    assertThat(copy.toJson().getJsonObject("clusterOptions").getJsonArray("clusterMembers")).isEqualTo(new JsonArray().add("127.0.0.1:5701"));
  }
}
