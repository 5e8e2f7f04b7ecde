package io.frameloop.endtoend.embedding;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.pipeline.FrameOpFactory;
import io.frameloop.pipeline.OpRegistry;
import io.frameloop.server.FrameLoop;
import io.frameloop.server.FrameLoopBootstrap;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.HelloOps;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ops are configured with, on every path: FrameLoop's own default registry and the README's
 * {@code OpRegistry.withDefaults(options.opSettings())}. The ops get the options' settings
 * ({@code faceModel} reaches the faces op) and a class-path plug-in never sees a secret.
 */
@ExtendWith(VertxExtension.class)
class OpSettingsTest {

  private static final String JWT_SECRET = "a-jwt-secret-of-at-least-32-bytes-0123456789";
  private static final String MANAGEMENT_TOKEN = "a-management-token-0123456789";
  private static final String KEY_STORE_PASSWORD = "a-key-store-password";

  private static FrameLoopOptions withSecrets(Path model, String address) {
    FrameLoopOptions options = TestServers.options(o -> {
      o.getFaceOptions().setFaceModel(model.toString());
      o.getWorkerOptions().setAddress(address);
      o.getAuthOptions().setAuthJwtSecret(JWT_SECRET).setManagementToken(MANAGEMENT_TOKEN);
      o.getClusterOptions().setClusterTlsKeyPath("/keys/node-key.pem");
    });
    options.getHttpServerOptions().setPort(0);
    return options;
  }

  @Test
  void faceModelReachesTheFacesOpOnEveryPath(Vertx vertx, @TempDir Path dir) {
    Path model = dir.resolve("my-own-model.onnx");
    // FrameLoop's own registry: the options' faceModel, as a client's hello shows it.
    FrameLoopOptions options = withSecrets(model, "frameloop.op-settings-default");
    options.getAuthOptions().setAuthJwtSecret(null);
    int port = TestServers.start(vertx, options).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, port)) {
      JsonObject blazeFace = HelloOps.find(client.hello().getJsonArray("ops"), "faces")
        .getJsonObject("models").getJsonObject("blazeface");
      assertThat(blazeFace.getBoolean("available")).isFalse();
      assertThat(blazeFace.getString("reason")).contains(model.toString());
    }
    // The README's registry for an embedder: the same.
    FrameLoopOptions embedded = withSecrets(model, "frameloop.op-settings-readme");
    embedded.getAuthOptions().setAuthJwtSecret(null);
    OpRegistry registry = await(vertx.executeBlocking(() -> OpRegistry.withDefaults(embedded.opSettings())));
    int embeddedPort = TestServers.start(vertx, embedded, registry).actualPort();
    try (FrameClient client = FrameClient.connect(vertx, embeddedPort)) {
      JsonObject blazeFace = HelloOps.find(client.hello().getJsonArray("ops"), "faces")
        .getJsonObject("models").getJsonObject("blazeface");
      assertThat(blazeFace.getString("reason")).contains(model.toString());
    }
  }

  @Test
  void aClassPathPluginsConfigureNeverSeesASecret(Vertx vertx, @TempDir Path dir) throws Exception {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(FrameOpFactory.class.getName()), SettingsProbeOpFactory.class.getName() + "\n");
    FrameLoopOptions options = withSecrets(dir.resolve("model.onnx"), "frameloop.op-settings-probe");
    options.getHttpServerOptions().setSsl(false);
    JsonObject keyStore = new JsonObject().put("tlsKeyStorePath", "/keys/store.p12").put("tlsKeyStorePassword", KEY_STORE_PASSWORD);
    FrameLoopOptions withKeyStore = new FrameLoopOptions(options.toJson().mergeIn(keyStore));
    SettingsProbeOpFactory.CONFIGURED_WITH.clear();

    OpRegistry registry = withPluginOnClassPath(dir, () -> OpRegistry.withDefaults(withKeyStore.opSettings()));
    assertThat(registry.get("settingsprobe")).as("the plug-in was found on the class path").isNotNull();
    // FrameLoop's own registry, made off the event loop with the same class path.
    FrameLoop frameLoop = withPluginOnClassPath(dir, () -> await(FrameLoopBootstrap.deploy(vertx, options)));
    await(frameLoop.close());

    assertThat(SettingsProbeOpFactory.CONFIGURED_WITH).as("configured by the README's path and by FrameLoop's own").hasSize(2);
    for (JsonObject settings : SettingsProbeOpFactory.CONFIGURED_WITH) {
      assertThat(settings.getString("faceModel")).isEqualTo(dir.resolve("model.onnx").toString());
      assertThat(settings.getInteger("maxFps")).as("flat keys, as plug-ins read them").isEqualTo(options.getSessionOptions().getMaxFps());
      assertThat(settings.encode()).doesNotContain(JWT_SECRET, MANAGEMENT_TOKEN, KEY_STORE_PASSWORD, "/keys/node-key.pem",
        "/keys/store.p12");
      assertThat(settings.fieldNames()).doesNotContain("authJwtSecret", "managementToken", "httpServerOptions", "authOptions");
    }
  }

  /** Runs {@code action} with a class loader that also sees the services file under {@code root}. */
  private static <T> T withPluginOnClassPath(Path root, Callable<T> action) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, original)) {
      thread.setContextClassLoader(loader);
      return action.call();
    } finally {
      thread.setContextClassLoader(original);
    }
  }
}
