package io.frameloop.endtoend.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tls*} shortcuts as configuration gives them: a key store password typed as a number
 * still opens the key store, and a password without a key store (a leftover variable) neither
 * turns TLS on nor stands in for the PEM files beside it.
 */
@ExtendWith(VertxExtension.class)
class TlsShortcutsTest {

  private static FrameLoopOptions configured(JsonObject keys) {
    return new FrameLoopOptions(TestServers.options().toJson().mergeIn(keys));
  }

  private static void servesOneFrame(Vertx vertx, int port, WebSocketClientOptions client) {
    try (FrameClient frames = FrameClient.connect(vertx, port, client)) {
      frames.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(frames.nextBinary()).header().sequence()).isEqualTo(1);
    }
  }

  @Test
  void aNumericKeyStorePasswordOpensTheKeyStore(Vertx vertx, @TempDir Path dir) throws Exception {
    Path store = dir.resolve("frameloop.p12");
    Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
      "-genkeypair", "-alias", "frameloop", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-validity", "2",
      "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "123456", "-keypass", "123456"))
      .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

    // A JSON number, as a config file written by hand has it.
    FrameLoopOptions options = configured(new JsonObject().put("tlsKeyStorePath", store.toString()).put("tlsKeyStorePassword", 123456));
    FrameLoopVerticle verticle = TestServers.start(vertx, options);
    assertThat(options.isTls()).isTrue();
    servesOneFrame(vertx, verticle.actualPort(), new WebSocketClientOptions().setSsl(true).setVerifyHost(false)
      .setTrustOptions(new PfxOptions().setPath(store.toString()).setPassword("123456")));
  }

  @Test
  void aLeftoverKeyStorePasswordAloneServesPlainWebSockets(Vertx vertx) {
    FrameLoopOptions options = configured(new JsonObject().put("tlsKeyStorePassword", "left-over"));
    FrameLoopVerticle verticle = TestServers.start(vertx, options);
    assertThat(options.isTls()).isFalse();
    servesOneFrame(vertx, verticle.actualPort(), new WebSocketClientOptions());
  }

  @Test
  void aLeftoverKeyStorePasswordBesidePemFilesServesThePemCertificate(Vertx vertx) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    try {
      FrameLoopOptions options = configured(new JsonObject().put("tlsCertPath", certificate.certificatePath())
        .put("tlsKeyPath", certificate.privateKeyPath()).put("tlsKeyStorePassword", "left-over"));
      FrameLoopVerticle verticle = TestServers.start(vertx, options);
      assertThat(options.isTls()).isTrue();
      servesOneFrame(vertx, verticle.actualPort(), new WebSocketClientOptions().setSsl(true).setVerifyHost(false)
        .setTrustOptions(new PemTrustOptions().addCertPath(certificate.certificatePath())));
    } finally {
      certificate.delete();
    }
  }
}
