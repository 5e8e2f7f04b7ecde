package io.frameloop.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.auth.AuthOptions;
import io.frameloop.image.JpegCodecSetting;
import io.frameloop.pipeline.ImageLimits;
import io.frameloop.pipeline.PipelineLimits;
import io.frameloop.protocol.ServerMessages;
import io.frameloop.record.RecordingOptions;
import io.frameloop.session.SessionOptions;
import io.frameloop.worker.WorkerOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The composed options: owners nested by the generated converter, today's flat keys, one range check, clear errors. */
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
  void tlsShortcutsTakeTheTypesVertxReads() {
    // A numeric password (a JSON number, or a number-looking variable read as one) would be no password at all.
    FrameLoopOptions pfx = new FrameLoopOptions(new JsonObject().put("tlsKeyStorePath", "keys.p12").put("tlsKeyStorePassword", 123456));
    assertThat(pfx.getHttpServerOptions().getKeyCertOptions()).isInstanceOfSatisfying(PfxOptions.class,
      kc -> assertThat(kc.getPassword()).isEqualTo("123456"));
    FrameLoopOptions numbers = new FrameLoopOptions(new JsonObject().put("port", "9443").put("host", 0));
    assertThat(numbers.getHttpServerOptions().getPort()).isEqualTo(9443);
    assertThat(numbers.getHttpServerOptions().getHost()).isEqualTo("0");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("port", "eighty"))).hasMessageContaining("'port'");
  }

  @Test
  void aKeyStorePasswordAloneDoesNotTurnTlsOn() {
    FrameLoopOptions leftover = new FrameLoopOptions(new JsonObject().put("tlsKeyStorePassword", "left-over"));
    assertThat(leftover.isTls()).isFalse();
    assertThat(leftover.getHttpServerOptions().getKeyCertOptions()).isNull();
    // With PEM files, the leftover password does not stand for a key store: the PEM files are used.
    FrameLoopOptions pem = new FrameLoopOptions(new JsonObject().put("tlsCertPath", "cert.pem").put("tlsKeyPath", "key.pem")
      .put("tlsKeyStorePassword", "left-over"));
    assertThat(pem.isTls()).isTrue();
    assertThat(pem.getHttpServerOptions().getKeyCertOptions()).isInstanceOfSatisfying(PemKeyCertOptions.class,
      kc -> assertThat(kc.getCertPaths()).containsExactly("cert.pem"));
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

  @Test
  void ownersNestUnderTheirOwnKeysAndToJsonGivesTheNestedForm() {
    FrameLoopOptions options = new FrameLoopOptions(new JsonObject()
      .put("sessionOptions", new JsonObject().put("maxFps", 30))
      .put("workerOptions", new JsonObject().put("jpegCodec", "opencv").put("maxInFlight", 2))
      .put("httpServerOptions", new JsonObject().put("port", 9200)));
    assertThat(options.getSessionOptions().getMaxFps()).isEqualTo(30);
    assertThat(options.getSessionOptions().getMaxSessions()).as("the owner's other keys keep their defaults")
      .isEqualTo(SessionOptions.DEFAULT_MAX_SESSIONS);
    assertThat(options.getWorkerOptions().getJpegCodec()).isEqualTo(JpegCodecSetting.opencv);
    assertThat(options.getWorkerOptions().getMaxInFlight()).isEqualTo(2);
    assertThat(options.getHttpServerOptions().getPort()).isEqualTo(9200);
    JsonObject json = options.toJson();
    assertThat(json.getJsonObject("sessionOptions").getInteger("maxFps")).isEqualTo(30);
    assertThat(json.getJsonObject("workerOptions").getString("jpegCodec")).isEqualTo("opencv");
    assertThat(json.fieldNames()).as("no owner's key at the top").doesNotContain("maxFps", "jpegCodec", "maxInFlight", "port")
      .containsAll(ConfigAliases.OWNERS.keySet());
    assertThat(new FrameLoopOptions(json).toJson()).isEqualTo(json);
  }

  @Test
  void aFlatKeyWinsOverTheSameSettingInItsOwnersObject() {
    FrameLoopOptions options = new FrameLoopOptions(new JsonObject()
      .put("sessionOptions", new JsonObject().put("maxFps", 30).put("maxSessions", 5))
      .put("maxFps", 12).put("port", 9300).put("httpServerOptions", new JsonObject().put("port", 9400)));
    assertThat(options.getSessionOptions().getMaxFps()).isEqualTo(12);
    assertThat(options.getSessionOptions().getMaxSessions()).isEqualTo(5);
    assertThat(options.getHttpServerOptions().getPort()).isEqualTo(9300);
  }

  @Test
  void aNestedOwnersValuesAreCheckedAsStrictlyAsFlatOnes() {
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("sessionOptions", new JsonObject().put("maxSessions", 0))))
      .hasMessageContaining("'maxSessions'").hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("sessionOptions", new JsonObject().put("maxFps", "fast"))))
      .hasMessageContaining("'maxFps'").hasMessageContaining("must be a number");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("clusterOptions", new JsonObject().put("role", "boss"))))
      .hasMessageContaining("'role'").hasMessageContaining("must be one of both, front, worker, got boss");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("sessionOptions", 3)))
      .hasMessageContaining("'sessionOptions'").hasMessageContaining("must be an object");
    assertThatThrownBy(() -> new SessionOptions(new JsonObject().put("maxFps", "fast"))).as("an owner's own JSON constructor too")
      .hasMessageContaining("'maxFps'").hasMessageContaining("must be a number");
    // An owner as text, as an environment variable gives it.
    assertThat(new FrameLoopOptions(new JsonObject().put("sessionOptions", "{\"maxFps\":7}")).getSessionOptions().getMaxFps()).isEqualTo(7);
  }

  @Test
  void everyOwnerHasTheSameGetterSetterAndCopyShape() throws Exception {
    for (Class<?> owner : ConfigAliases.OWNERS.values()) {
      String name = owner.getSimpleName();
      assertThat(FrameLoopOptions.class.getMethod("get" + name).getReturnType()).as(name).isEqualTo(owner);
      assertThat(FrameLoopOptions.class.getMethod("set" + name, owner).getReturnType()).as(name).isEqualTo(FrameLoopOptions.class);
      assertThat(owner.getConstructor(owner)).as(name + " copy constructor").isNotNull();
      assertThat(owner.getConstructor(JsonObject.class)).as(name + " JSON constructor").isNotNull();
      assertThat(owner.getMethod("toJson").getReturnType()).as(name).isEqualTo(JsonObject.class);
    }
    FrameLoopOptions options = new FrameLoopOptions().setRecordingOptions(new RecordingOptions().setRecordDir("recordings"));
    assertThat(options.getRecordingOptions().isEnabled()).isTrue();
    assertThat(new FrameLoopOptions(options).getRecordingOptions().getRecordDir()).isEqualTo("recordings");
    assertThat(options.toJson().getJsonObject("recordingOptions").getString("recordDir")).isEqualTo("recordings");
  }

  @Test
  void everyOwnerRefusesOutOfRangeValuesInTheSameWords() {
    assertThatThrownBy(() -> new PipelineLimits().setMaxOps(257)).hasMessage("maxOps must be between 1 and 256, got 257");
    assertThatThrownBy(() -> new RecordingOptions().setRecordMaxSessions(0)).hasMessage("recordMaxSessions must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> new ClusterOptions().setClusterPort(70000)).hasMessage("clusterPort must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> new ConnectionLimits().setHeaderTimeoutMs(99)).hasMessage("headerTimeoutMs must be at least 100, got 99");
    assertThatThrownBy(() -> new ImageLimits().setMaxWidth(0)).hasMessage("maxWidth must be at least 1, got 0");
    assertThatThrownBy(() -> new WorkerOptions().setWorkerInstances(-1))
      .hasMessage("workerInstances must be 0 (one per processor) or more, got -1");
    assertThatThrownBy(() -> new AuthOptions().setMaxFpsPerTenant(-1)).hasMessage("maxFpsPerTenant must be 0 (no limit) or more, got -1");
  }

  @Test
  void helloLimitsComeFromTheOwnersThatSetThem() {
    FrameLoopOptions options = new FrameLoopOptions();
    options.getSessionOptions().setMaxFps(24).setMaxSessions(9).setMaxMessageBytes(2048).setMaxTextMessageBytes(512).setIdleTimeoutSeconds(5);
    options.getImageLimits().setMaxWidth(640).setMaxHeight(480).setMaxPixels(300_000);
    options.getPipelineLimits().setMaxOps(4).setMaxFrameCostMs(300);
    assertThat(ServerMessages.hello(new JsonArray(), FrameLoopOptions.DEFAULT_PIPELINE, options.helloLimits(), false,
      new JsonObject()).getJsonObject("limits")).isEqualTo(new JsonObject().put("maxMessageBytes", 2048).put("maxTextMessageBytes", 512)
      .put("maxWidth", 640).put("maxHeight", 480).put("maxPixels", 300_000L).put("maxFps", 24).put("maxOps", 4)
      .put("maxFrameCostMs", 300).put("maxSessions", 9).put("idleTimeoutSeconds", 5));
  }

  @Test
  void opSettingsHaveTheOpsKeysFlatAndNoSecret() {
    FrameLoopOptions options = new FrameLoopOptions(new JsonObject()
      .put("faceModel", "/models/face.onnx").put("maxWidth", 800)
      .put("authJwtSecret", "s".repeat(40)).put("managementToken", "m".repeat(20)).put("authAudience", "app")
      .put("tlsKeyStorePath", "keys.p12").put("tlsKeyStorePassword", "store-password")
      .put("clusterTlsKeyPath", "/keys/node.key"));
    JsonObject settings = options.opSettings().toJson();
    assertThat(settings.getString("faceModel")).isEqualTo("/models/face.onnx");
    assertThat(settings.getString("faceCascade")).isEqualTo(options.getFaceOptions().getFaceCascade());
    assertThat(settings.getInteger("maxWidth")).isEqualTo(800);
    assertThat(settings.fieldNames()).doesNotContain("authJwtSecret", "managementToken", "authAudience", "httpServerOptions",
      "tlsKeyStorePassword", "clusterTlsKeyPath", "authOptions");
    assertThat(settings.encode()).doesNotContain("s".repeat(40), "m".repeat(20), "store-password", "keys.p12", "/keys/node.key");
    settings.put("faceModel", "changed");
    assertThat(options.opSettings().toJson().getString("faceModel")).as("each gets its own copy").isEqualTo("/models/face.onnx");
  }

  @Test
  void theWebSocketSettingsAloneLeaveTheApplicationsServerAsItWas() {
    FrameLoopOptions options = new FrameLoopOptions();
    options.getSessionOptions().setMaxMessageBytes(1024 * 1024);
    HttpServerOptions app = new HttpServerOptions().setPort(7070).setStrictThreadMode(false).setIdleTimeout(42);
    assertThat(options.applyWebSocketSettings(app)).isSameAs(app);
    assertThat(app.getMaxWebSocketMessageSize()).isEqualTo(1024 * 1024 + 64 * 1024);
    assertThat(app.getMaxWebSocketFrameSize()).isEqualTo(1024 * 1024 + 64 * 1024);
    assertThat(app.getPerMessageWebSocketCompressionSupported()).isFalse();
    assertThat(app.getPerFrameWebSocketCompressionSupported()).isFalse();
    assertThat(app.getWebSocketSubProtocols()).containsExactly("frameloop.v1");
    assertThat(app.getStrictThreadMode()).isFalse();
    assertThat(app.getPort()).isEqualTo(7070);
    assertThat(app.getIdleTimeout()).isEqualTo(42);
    assertThat(app.isHttp2ClearTextEnabled()).as("left as the app set it").isEqualTo(new HttpServerOptions().isHttp2ClearTextEnabled());
    assertThat(options.listenOptions().getStrictThreadMode()).as("FrameLoop's own server keeps it").isTrue();
  }

  @Test
  void theFramesSubprotocolJoinsTheApplicationsOwn() {
    FrameLoopOptions options = new FrameLoopOptions();
    HttpServerOptions app = new HttpServerOptions().setWebSocketSubProtocols(List.of("mqtt", "graphql-ws"));
    assertThat(options.applyWebSocketSettings(app).getWebSocketSubProtocols()).containsExactly("mqtt", "graphql-ws", "frameloop.v1");
    assertThat(options.applyWebSocketSettings(app).getWebSocketSubProtocols()).as("not twice").containsExactly("mqtt", "graphql-ws", "frameloop.v1");
    HttpServerOptions already = new HttpServerOptions().setWebSocketSubProtocols(List.of("frameloop.v1", "mqtt"));
    assertThat(options.applyWebSocketSettings(already).getWebSocketSubProtocols()).containsExactly("frameloop.v1", "mqtt");
  }
}
