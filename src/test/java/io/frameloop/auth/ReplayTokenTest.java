package io.frameloop.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.cli.Main;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Images;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code replay --token} and {@code token} against a server with authentication, through the command line. */
@ExtendWith(VertxExtension.class)
class ReplayTokenTest {

  private record Run(int exit, String out, String err) {
  }

  private static Run replay(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new Main()).execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  @Test
  void replayStreamsWithATokenAndExplainsARefusalWithout(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getAuthOptions().setAuthJwtSecret(Tokens.SECRET))).actualPort();
    String url = "ws://127.0.0.1:" + port + "/frames";
    String token = Tokens.hs256(vertx, Tokens.SECRET).valid("load-test");

    Run granted = replay("replay", "--url", url, "--token", token, "--sessions", "2", "--fps", "10", "--duration", "2s",
      "--source", "synthetic:320x240");
    assertThat(granted.exit()).as(granted.out() + granted.err()).isZero();
    assertThat(granted.out()).contains("frames sent");
    assertThat(granted.out() + granted.err()).doesNotContain(token);

    Run refused = replay("replay", "--url", url, "--duration", "1s", "--source", "synthetic:320x240");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("HTTP 401").contains("missing token").contains("--token");

    Run wrong = replay("replay", "--url", url, "--token", Tokens.hs256(vertx, Tokens.OTHER_SECRET).valid("x"), "--duration", "1s",
      "--source", "synthetic:320x240");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("HTTP 401").contains("bad signature");
  }

  @Test
  void theTokenCommandSignsWithTheConfiguredSecret(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getAuthOptions().setAuthJwtSecret(Tokens.SECRET)
      .setAuthAudience("frameloop"))).actualPort();
    Path config = Files.writeString(dir.resolve("config.json"), new JsonObject().put("authJwtSecret", Tokens.SECRET)
      .put("authAudience", "frameloop").encode());
    Run minted = replay("token", "--config", config.toString(), "--subject", "alice", "--ttl", "10m");
    assertThat(minted.exit()).as(minted.err()).isZero();
    String token = minted.out().trim();
    try (FrameClient client = FrameClient.connect(vertx, port, Map.of("Authorization", "Bearer " + token))) {
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
    }
    Run noSecret = replay("token", "--config", dir.resolve("none.json").toString(), "--subject", "alice");
    assertThat(noSecret.exit()).isEqualTo(1);
    assertThat(noSecret.err()).contains("authJwtSecret");
  }
}
