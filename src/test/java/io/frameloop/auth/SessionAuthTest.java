package io.frameloop.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.protocol.FrameHeader;
import io.frameloop.server.FrameLoopOptions;
import io.frameloop.testing.CapturedLog;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Http;
import io.frameloop.testing.Images;
import io.frameloop.testing.Metrics;
import io.frameloop.testing.TestServers;
import io.frameloop.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Session tokens checked at the handshake, against a real server: every bad case refused before a worker sees anything. */
@ExtendWith(VertxExtension.class)
class SessionAuthTest {

  static final String MANAGEMENT = "management-token-0123456789";
  static final Map<String, String> SCRAPE = Map.of("Authorization", "Bearer " + MANAGEMENT);

  static FrameLoopOptions options(Consumer<AuthOptions> auth) {
    return TestServers.options(o -> {
      o.getAuthOptions().setManagementToken(MANAGEMENT);
      auth.accept(o.getAuthOptions());
    });
  }

  static int startHs256(Vertx vertx) {
    return startHs256(vertx, false);
  }

  /** @param allowQueryToken whether {@code ?access_token=} is accepted (refused by default) */
  static int startHs256(Vertx vertx, boolean allowQueryToken) {
    return TestServers.start(vertx, options(a -> a.setAuthJwtSecret(Tokens.SECRET).setAuthAudience("frameloop")
      .setAuthIssuer("https://id.example").setAllowQueryToken(allowQueryToken))).actualPort();
  }

  static JsonObject claims(String subject) {
    return new JsonObject().put("sub", subject).put("aud", "frameloop").put("iss", "https://id.example")
      .put("exp", Tokens.now() + 3600);
  }

  @Test
  void everyBadTokenIsRefusedWith401AndNothingIsProcessed(Vertx vertx) {
    int port = startHs256(vertx);
    Tokens tokens = Tokens.hs256(vertx, Tokens.SECRET);
    Map<String, String> bad = Map.of(
      "malformed token", "not-a-jwt",
      "bad signature", Tokens.hs256(vertx, Tokens.OTHER_SECRET).sign(claims("alice")),
      "token expired", tokens.sign(claims("alice").put("exp", Tokens.now() - 60)),
      "token not yet valid", tokens.sign(claims("alice").put("nbf", Tokens.now() + 600)),
      "wrong audience", tokens.sign(claims("alice").put("aud", "someone-else")),
      "wrong issuer", tokens.sign(claims("alice").put("iss", "https://evil.example")),
      "no sub claim", tokens.sign(claims("alice").put("sub", (String) null)));
    bad.forEach((reason, token) -> assertRefused(vertx, port, Map.of("Authorization", "Bearer " + token), reason));
    assertRefused(vertx, port, Map.of("Authorization", "Bearer " + Tokens.unsigned(claims("alice"))), "malformed token");
    // Claims of the wrong type in a well-signed token; a token longer than any real one.
    assertRefused(vertx, port, Map.of("Authorization", "Bearer " + tokens.sign(claims("alice").put("exp", "tomorrow"))), "malformed token");
    assertRefused(vertx, port, Map.of("Authorization", "Bearer " + tokens.sign(claims("alice").put("aud", 42))), "malformed token");
    assertRefused(vertx, port, Map.of("Authorization", "Bearer " + tokens.sign(claims("alice").put("sub", 42))), "no sub claim");
    assertRefused(vertx, port, Map.of("Authorization", "Bearer " + tokens.sign(claims("alice").put("sub", "x\r\ny"))), "control characters");
    // (A token over BearerToken.MAX_TOKEN_CHARS cannot arrive with the default header limits: see BearerTokenTest.)
    assertThatThrownBy(() -> FrameClient.connect(vertx, port))
      .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> {
        assertThat(e.getStatus()).isEqualTo(401);
        // RFC 6750: a request without credentials gets the challenge without an error code.
        assertThat(e.getHeaders().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"frameloop\"");
        assertThat(e.getBody().toString()).contains("missing token");
      });

    Metrics metrics = Metrics.scrape(port, SCRAPE);
    assertThat(metrics.value("frameloop_sessions_rejected_total{reason=\"unauthorized\"}")).isEqualTo(bad.size() + 6);
    assertThat(metrics.value("frameloop_frames_in_total")).isZero();
    assertThat(metrics.value("frameloop_sessions_active")).isZero();
  }

  private static void assertRefused(Vertx vertx, int port, Map<String, String> headers, String reason) {
    assertThatThrownBy(() -> FrameClient.connect(vertx, port, headers))
      .as(reason)
      .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> {
        assertThat(e.getStatus()).isEqualTo(401);
        assertThat(e.getHeaders().get("WWW-Authenticate")).startsWith("Bearer realm=\"frameloop\", error=\"invalid_token\"")
          .contains(reason);
        assertThat(e.getBody().toString()).contains(reason);
      });
  }

  @Test
  void aValidTokenInTheAuthorizationHeaderStreamsAndOneInTheQueryIsRefusedByDefault(Vertx vertx) {
    int port = startHs256(vertx);
    String token = Tokens.hs256(vertx, Tokens.SECRET).sign(claims("alice"));
    try (FrameClient header = FrameClient.connect(vertx, port, Map.of("Authorization", "Bearer " + token))) {
      header.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(header.nextBinary()).header().sequence()).isEqualTo(1);
    }
    // The connection would keep the URI, and the token in it, for the session's life: refused, saying what to do instead.
    for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer " + token))) {
      assertThatThrownBy(() -> FrameClient.connect(vertx, port, "/frames?access_token=" + token, headers))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> {
          assertThat(e.getStatus()).isEqualTo(401);
          assertThat(e.getBody().toString()).contains("a token in the query (access_token=) is refused")
            .contains("Authorization: Bearer <token>").contains("bearer.<token>").contains("allowQueryToken")
            .doesNotContain(token);
        });
    }
    assertThat(Metrics.scrape(port, SCRAPE).value("frameloop_sessions_active")).isZero();
  }

  @Test
  void aValidTokenInTheQueryStreamsWhenAllowed(Vertx vertx) {
    int port = startHs256(vertx, true);
    String token = Tokens.hs256(vertx, Tokens.SECRET).sign(claims("alice"));
    // A far-future expiry is "never", not an overflow that closes the session at once.
    String lasting = Tokens.hs256(vertx, Tokens.SECRET).sign(claims("alice").put("exp", 1e16));
    try (FrameClient query = FrameClient.connect(vertx, port, "/frames?access_token=" + token);
         // Basic credentials for a proxy in front are not ours: the token is looked for elsewhere.
         FrameClient behindProxy = FrameClient.connect(vertx, port, "/frames?access_token=" + lasting,
           Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0"))) {
      for (FrameClient client : new FrameClient[] {query, behindProxy}) {
        client.sendFramed(1, 0, Images.leftRedRightBlue());
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
      }
    }
    // A wrong token in the query is refused as well.
    assertThatThrownBy(() -> FrameClient.connect(vertx, port, "/frames?access_token=" + token + "x"))
      .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
  }

  /** As a browser does: the token as a subprotocol next to frameloop.v1, which the server must select. */
  @Test
  void aValidTokenAsASubprotocolStreamsAndTheServerSelectsFrameloopV1(Vertx vertx) throws Exception {
    int port = startHs256(vertx);
    String token = Tokens.hs256(vertx, Tokens.SECRET).sign(claims("alice"));
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
      .subprotocols(FrameFormat.SUBPROTOCOL, "bearer." + token)
      .buildAsync(URI.create("ws://127.0.0.1:" + port + "/frames"), new Collector(received)).get(20, TimeUnit.SECONDS);
    try {
      assertThat(socket.getSubprotocol()).isEqualTo("frameloop.v1");
      assertThat(new JsonObject((String) received.poll(20, TimeUnit.SECONDS)).getString("type")).isEqualTo("hello");
      Buffer frame = FrameFormat.encode(new FrameHeader(9, 0), Images.leftRedRightBlue());
      socket.sendBinary(ByteBuffer.wrap(frame.getBytes()), true).get(20, TimeUnit.SECONDS);
      Object reply;
      do {
        reply = received.poll(20, TimeUnit.SECONDS);
      } while (reply instanceof String);
      assertThat(reply).as("a processed frame").isInstanceOf(byte[].class);
      assertThat(FrameFormat.decode(Buffer.buffer((byte[]) reply)).header().sequence()).isEqualTo(9);
    } finally {
      socket.abort();
    }
    // Without a valid token in the list, no handshake.
    assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(FrameFormat.SUBPROTOCOL, "bearer.x" + token)
      .buildAsync(URI.create("ws://127.0.0.1:" + port + "/frames"), new Collector(received)).get(20, TimeUnit.SECONDS))
      .hasStackTraceContaining("status code 401");
  }

  @Test
  void rs256AndEs256TokensAreCheckedWithThePublicKey(Vertx vertx, @TempDir Path dir) throws Exception {
    for (String algorithm : new String[] {"RS256", "ES256"}) {
      KeyPair keys = algorithm.equals("RS256") ? Tokens.rsaKeys() : Tokens.ecKeys();
      Path publicKey = Tokens.writePublicKey(Files.createTempDirectory(dir, algorithm), keys);
      FrameLoopOptions keyed = options(a -> a.setAuthJwtPublicKeyPath(publicKey.toString()));
      keyed.getWorkerOptions().setAddress("frameloop.auth." + algorithm); // one FrameLoop per algorithm, side by side
      int port = TestServers.start(vertx, keyed).actualPort();
      try (FrameClient client = FrameClient.connect(vertx, port,
        Map.of("Authorization", "Bearer " + Tokens.signedWith(vertx, algorithm, keys).valid("bob")))) {
        client.sendFramed(1, 0, Images.leftRedRightBlue());
        assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
      }
      KeyPair stranger = algorithm.equals("RS256") ? Tokens.rsaKeys() : Tokens.ecKeys();
      assertRefused(vertx, port, Map.of("Authorization", "Bearer " + Tokens.signedWith(vertx, algorithm, stranger).valid("bob")),
        "bad signature");
      // An HS256 token made with the public key as its secret (algorithm confusion) is refused.
      assertRefused(vertx, port, Map.of("Authorization", "Bearer "
        + Tokens.hs256(vertx, Files.readString(publicKey)).valid("bob")), "bad signature");
    }
  }

  @Test
  void aSessionIsClosedWith1008WhenItsTokenExpires(Vertx vertx) {
    int port = startHs256(vertx);
    String token = Tokens.hs256(vertx, Tokens.SECRET).sign(claims("alice").put("exp", Tokens.now() + 2));
    try (FrameClient client = FrameClient.connect(vertx, port, Map.of("Authorization", "Bearer " + token))) {
      client.sendFramed(1, 0, Images.leftRedRightBlue());
      assertThat(FrameFormat.decode(client.nextBinary()).header().sequence()).isEqualTo(1);
      client.awaitClosed();
      assertThat(client.closeStatus()).isEqualTo((short) 1008);
      assertThat(client.closeReason()).contains("token expired");
    }
  }

  @Test
  void metricsAndHealthNeedTheManagementToken(Vertx vertx) {
    int port = startHs256(vertx);
    for (String path : new String[] {"/metrics", "/health"}) {
      HttpResponse<String> none = Http.get(port, path);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"frameloop-management\"");
      assertThat(Http.get(port, path, Map.of("Authorization", "Bearer wrong-" + MANAGEMENT)).statusCode()).as(path).isEqualTo(401);
      // A session token is not a management token.
      assertThat(Http.get(port, path, Map.of("Authorization", "Bearer " + Tokens.hs256(vertx, Tokens.SECRET).sign(claims("alice"))))
        .statusCode()).as(path).isEqualTo(401);
      assertThat(Http.get(port, path, SCRAPE).statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void startUpRefusesWeakOrConflictingKeys(Vertx vertx, @TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> new AuthOptions().setAuthJwtSecret("short"))
      .hasMessageContaining("at least 32 bytes").hasMessageNotContaining("short");
    assertThatThrownBy(() -> new FrameLoopOptions(new JsonObject().put("authJwtSecret", "0123")))
      .hasMessageContaining("authJwtSecret").hasMessageNotContaining("0123");
    assertThatThrownBy(() -> new AuthOptions().setManagementToken("tiny")).hasMessageContaining("16 characters");
    Path notAKey = Files.writeString(dir.resolve("key.pem"), "hello");
    assertThatThrownBy(() -> TestServers.start(vertx, options(a -> a.setAuthJwtPublicKeyPath(notAKey.toString()))))
      .hasMessageContaining("authJwtPublicKeyPath").hasMessageContaining("not a PEM public key");
    assertThatThrownBy(() -> TestServers.start(vertx, options(a -> a.setAuthJwtPublicKeyPath(dir.resolve("missing.pem").toString()))))
      .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> TestServers.start(vertx, options(a -> a.setAuthJwtSecret(Tokens.SECRET)
      .setAuthJwtPublicKeyPath(notAKey.toString())))).hasMessageContaining("not both");
  }

  @Test
  void tokensNeverReachTheLogs(Vertx vertx) throws Exception {
    // Debug lines too. Not trace (FINEST): vertx-web's router traces every request URI, a query token included.
    CapturedLog log = CapturedLog.from(Level.FINE);
    Tokens tokens = Tokens.hs256(vertx, Tokens.SECRET);
    String valid = tokens.sign(claims("alice").put("exp", Tokens.now() + 2));
    String expired = tokens.sign(claims("alice").put("exp", Tokens.now() - 60));
    String forged = Tokens.hs256(vertx, Tokens.OTHER_SECRET).sign(claims("alice"));
    String browserToken = tokens.sign(claims("bob"));
    try {
      int port = startHs256(vertx, true);
      try (FrameClient client = FrameClient.connect(vertx, port, "/frames?access_token=" + valid)) {
        client.sendFramed(1, 0, Images.leftRedRightBlue());
        client.nextBinary();
        client.awaitClosed(); // the token expires: closed with 1008
      }
      // As a browser sends it: the token in the subprotocol list.
      WebSocket browser = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(FrameFormat.SUBPROTOCOL, "bearer." + browserToken)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/frames"), new Collector(new LinkedBlockingQueue<>())).get(20, TimeUnit.SECONDS);
      browser.abort();
      // The token alone in the list: refused before the handshake could log the list it cannot match.
      assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("bearer." + browserToken)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/frames"), new Collector(new LinkedBlockingQueue<>())).get(20, TimeUnit.SECONDS))
        .hasStackTraceContaining("status code 401");
      for (String bad : new String[] {expired, forged, "garbage." + valid}) {
        assertThatThrownBy(() -> FrameClient.connect(vertx, port, Map.of("Authorization", "Bearer " + bad)))
          .isInstanceOf(UpgradeRejectedException.class);
      }
    } finally {
      log.close();
    }
    List<String> logged = log.messages(Level.FINE);
    assertThat(logged).anySatisfy(line -> assertThat(line).contains("session opened"));
    for (String token : new String[] {valid, expired, forged, browserToken, Tokens.SECRET, MANAGEMENT}) {
      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertThat(logged).noneSatisfy(line -> assertThat(line).contains(signature));
    }
  }

  /** Collects a JDK WebSocket's whole messages: text as String, binary as byte[]. */
  private static final class Collector implements WebSocket.Listener {
    private final BlockingQueue<Object> received;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    Collector(BlockingQueue<Object> received) {
      this.received = received;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        received.add(text.toString());
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      binary.writeBytes(bytes);
      if (last) {
        received.add(binary.toByteArray());
        binary.reset();
      }
      webSocket.request(1);
      return null;
    }
  }
}
