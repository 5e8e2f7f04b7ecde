package io.frameloop.endtoend.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.server.FrameLoopOptions;
import io.frameloop.server.FrameLoopVerticle;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.TrustOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's TLS shortcuts, from the configuration as an operator writes it: PEM files
 * ({@code tlsCertPath}, {@code tlsKeyPath}) and a PKCS#12 key store ({@code tlsKeyStorePath},
 * {@code tlsKeyStorePassword}). A client that trusts exactly that certificate gets frames over
 * {@code wss://}; a plain {@code ws://} client gets nothing.
 */
@ExtendWith(VertxExtension.class)
class TlsTest {

  /** Test options as configuration JSON, with these keys on top. */
  private static FrameLoopOptions configured(JsonObject keys) {
    return new FrameLoopOptions(TestServers.options().toJson().mergeIn(keys));
  }

  private static void servesFramesOverWssOnly(Vertx vertx, FrameLoopOptions options, TrustOptions trust) {
    FrameLoopVerticle verticle = TestServers.start(vertx, options);
    assertThat(options.isTls()).isTrue();
    int port = verticle.actualPort();
    WebSocketClientOptions tls = new WebSocketClientOptions().setSsl(true).setTrustOptions(trust).setVerifyHost(false);
    try (FrameClient client = FrameClient.connect(vertx, port, tls)) {
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
    }
    assertThatThrownBy(() -> FrameClient.connect(vertx, port)).as("plain ws:// to a TLS server")
      .hasMessageContaining("closed while handshake");
  }

  @Test
  void pemFiles(Vertx vertx) {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    try {
      FrameLoopOptions options = configured(new JsonObject()
        .put("tlsCertPath", certificate.certificatePath()).put("tlsKeyPath", certificate.privateKeyPath()));
      servesFramesOverWssOnly(vertx, options, new PemTrustOptions().addCertPath(certificate.certificatePath()));
    } finally {
      certificate.delete();
    }
  }

  @Test
  void aPkcs12KeyStore(Vertx vertx, @TempDir Path dir) throws Exception {
    Path store = dir.resolve("frameloop.p12");
    String password = "0123secret"; // starts with digits: must stay text through the configuration
    Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
      "-genkeypair", "-alias", "frameloop", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-validity", "2",
      "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password, "-keypass", password))
      .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

    FrameLoopOptions options = configured(new JsonObject()
      .put("tlsKeyStorePath", store.toString()).put("tlsKeyStorePassword", password));
    servesFramesOverWssOnly(vertx, options, new PfxOptions().setPath(store.toString()).setPassword(password));
  }

  @Test
  void aWrongKeyStorePasswordStopsStartUp(Vertx vertx, @TempDir Path dir) throws Exception {
    Path store = dir.resolve("frameloop.p12");
    Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
      "-genkeypair", "-alias", "frameloop", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-validity", "2",
      "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "right-one", "-keypass", "right-one"))
      .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    FrameLoopOptions options = configured(new JsonObject()
      .put("tlsKeyStorePath", store.toString()).put("tlsKeyStorePassword", "wrong-one"));
    assertThatThrownBy(() -> TestServers.start(vertx, options)).hasStackTraceContaining("password was incorrect");
  }
}
