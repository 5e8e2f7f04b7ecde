package io.frameloop.auth;

import static io.frameloop.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.protocol.FrameFormat;
import io.frameloop.testing.ForkedServer;
import io.frameloop.testing.FrameClient;
import io.frameloop.testing.Tokens;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies of session tokens in a forked server's live heap while the sessions are open (jcmd
 * GC.heap_dump, searched for each token's signature): a token sent as the {@code bearer.<token>}
 * subprotocol or in the Authorization header leaves none once the session is admitted. A query token,
 * on a server that opts in with {@code allowQueryToken}, stays (the connection keeps its request
 * URI): the control that shows the search finds copies where they are, and why the query form is
 * refused by default.
 */
class TokenHeapCopiesTest {

  private final Vertx vertx = Vertx.vertx();
  private ForkedServer server;
  private final List<WebSocket> browsers = new ArrayList<>();

  @AfterEach
  void stop() {
    browsers.forEach(WebSocket::abort);
    if (server != null) {
      server.close();
    }
    await(vertx.close());
  }

  @Test
  void subprotocolAndHeaderTokensLeaveNoCopyInTheLiveHeapAQueryTokenDoes(@TempDir Path dir) throws Exception {
    server = ForkedServer.start("token-heap", "128m", Map.of("FRAMELOOP_AUTH_JWT_SECRET", Tokens.SECRET,
      "FRAMELOOP_ALLOW_QUERY_TOKEN", "true"));
    Tokens tokens = Tokens.hs256(vertx, Tokens.SECRET);
    String subprotocolToken = tokens.valid("heap-subprotocol");
    String headerToken = tokens.valid("heap-header");
    String queryToken = tokens.valid("heap-query");

    // As a browser sends it; admitted once hello arrives.
    CompletableFuture<String> hello = new CompletableFuture<>();
    browsers.add(HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(FrameFormat.SUBPROTOCOL, "bearer." + subprotocolToken)
      .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/frames"), new FirstText(hello)).get(20, TimeUnit.SECONDS));
    assertThat(hello.get(20, TimeUnit.SECONDS)).contains("\"hello\"");
    try (FrameClient header = FrameClient.connect(vertx, server.port(), Map.of("Authorization", "Bearer " + headerToken));
         FrameClient query = FrameClient.connect(vertx, server.port(), "/frames?access_token=" + queryToken)) {
      assertThat(header.hello().getString("type")).isEqualTo("hello");
      assertThat(query.hello().getString("type")).isEqualTo("hello");

      Path dump = dir.resolve("server.hprof");
      server.dumpLiveHeap(dump);
      long subprotocolCopies = occurrences(dump, signature(subprotocolToken));
      long headerCopies = occurrences(dump, signature(headerToken));
      long queryCopies = occurrences(dump, signature(queryToken));
      System.out.println("TokenHeapCopiesTest: copies in the live heap of " + Files.size(dump) + " bytes: subprotocol "
        + subprotocolCopies + ", header " + headerCopies + ", query " + queryCopies);
      assertThat(queryCopies).as("copies of the query token (the control: the connection keeps its URI)").isPositive();
      assertThat(subprotocolCopies).as("copies of the subprotocol token after admission").isZero();
      assertThat(headerCopies).as("copies of the header token after admission").isZero();
      assertThat(server.isAlive()).isTrue();
    }
  }

  /** A token's signature: its last part, which nothing else in the server holds. */
  private static byte[] signature(String token) {
    return token.substring(token.lastIndexOf('.') + 1).getBytes(StandardCharsets.US_ASCII);
  }

  /** How often {@code pattern} occurs in the file (as Latin-1 strings and byte buffers hold it), read in chunks. */
  private static long occurrences(Path file, byte[] pattern) throws IOException {
    long count = 0;
    byte[] window = new byte[1 << 20];
    int kept = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int read;
      while ((read = in.read(window, kept, window.length - kept)) > 0) {
        int end = kept + read;
        int last = end - pattern.length;
        for (int i = 0; i <= last; i++) {
          if (window[i] == pattern[0] && Arrays.equals(window, i, i + pattern.length, pattern, 0, pattern.length)) {
            count++;
          }
        }
        // Keep the tail that a match could start in.
        kept = Math.min(pattern.length - 1, end);
        System.arraycopy(window, end - kept, window, 0, kept);
      }
    }
    return count;
  }

  /** Completes with the first text message. */
  private record FirstText(CompletableFuture<String> text) implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.complete(data.toString());
      webSocket.request(1);
      return null;
    }
  }
}
