package io.frameloop.server;

import io.frameloop.config.ConfigValues;
import io.frameloop.protocol.FrameFormat;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * FrameLoop's side of Vert.x's {@link HttpServerOptions}: its defaults (loopback, port 8080), the
 * nested {@code httpServerOptions} object over them (the shortcuts {@code host}, {@code port},
 * {@code tlsCertPath}/{@code tlsKeyPath} (PEM) and {@code tlsKeyStorePath}/{@code tlsKeyStorePassword}
 * (PKCS#12) are moved there by {@link ConfigAliases}), and what a server that carries frames needs on top.
 */
final class HttpServerConfig {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8080;

  private HttpServerConfig() {
  }

  /** An idle connection (no byte either way; even an idle session gets stats every 10 s) is closed after this. */
  static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 300;

  /** After the server's close frame, how long a client has to answer before the connection is cut (Vert.x: 10 s). */
  static final int DEFAULT_WEBSOCKET_CLOSING_TIMEOUT_SECONDS = 3;

  /**
   * Strict thread mode: FrameLoop answers HTTP requests only on their connection's event loop, so
   * Vert.x writes straight to the channel instead of through a multi-producer queue that every
   * connection would otherwise hold (about 4.7 KB of heap per idle session). An app that adds
   * routes to this server and writes responses from other threads turns it off.
   */
  static final boolean DEFAULT_STRICT_THREAD_MODE = true;

  /**
   * TLS 1.3 only (Vert.x: 1.2 and 1.3): TLS 1.3 has no renegotiation, and the JDK's engine accepts
   * a TLS 1.2 client's renegotiations, each a full handshake's CPU. Serving 1.2 clients too is
   * {@code httpServerOptions.enabledSecureTransportProtocols: ["TLSv1.2","TLSv1.3"]}.
   */
  static final Set<String> DEFAULT_TLS_PROTOCOLS = Set.of("TLSv1.3");

  static HttpServerOptions defaults() {
    return new HttpServerOptions().setHost(DEFAULT_HOST).setPort(DEFAULT_PORT).setIdleTimeout(DEFAULT_IDLE_TIMEOUT_SECONDS)
      .setWebSocketClosingTimeout(DEFAULT_WEBSOCKET_CLOSING_TIMEOUT_SECONDS).setStrictThreadMode(DEFAULT_STRICT_THREAD_MODE)
      .setEnabledSecureTransportProtocols(DEFAULT_TLS_PROTOCOLS);
  }

  /**
   * The nested {@code httpServerOptions} (the shortcuts already moved there by
   * {@link ConfigAliases#nest}; null for none) over FrameLoop's defaults, each value of the type
   * Vert.x reads.
   */
  static HttpServerOptions fromJson(JsonObject given) {
    JsonObject http = defaults().toJson();
    if (given != null) {
      http.mergeIn(ConfigValues.coerce(given, new HttpServerOptions().toJson()));
    }
    JsonObject pem = http.getJsonObject("pemKeyCertOptions");
    JsonObject pfx = http.getJsonObject("pfxKeyCertOptions");
    if (pfx != null && pfx.getValue("path") == null && pfx.getValue("value") == null) {
      // A key store's password without a key store (a leftover tlsKeyStorePassword): ignored, as it always was.
      http.remove("pfxKeyCertOptions");
    } else if (pfx != null && pem != null) {
      // A key store given with PEM files: the key store is used, as it always was.
      http.remove("pemKeyCertOptions");
    }
    if (http.getValue("pfxKeyCertOptions") == null && pem != null && pem.getValue("certPaths") == null && pem.getValue("keyPaths") == null
      && (pem.getValue("certPath") == null) != (pem.getValue("keyPath") == null)) {
      throw new IllegalArgumentException("TLS with PEM files needs both tlsCertPath and tlsKeyPath"
        + " (httpServerOptions.pemKeyCertOptions certPath and keyPath)");
    }
    return new HttpServerOptions(http);
  }

  /**
   * The settings that differ from Vert.x's defaults (what a configuration file needs to say), and
   * always those where FrameLoop's defaults differ from Vert.x's, so that {@link #fromJson} gives
   * the same options back.
   */
  static JsonObject toJson(HttpServerOptions options) {
    JsonObject json = options.toJson();
    JsonObject ours = defaults().toJson();
    new HttpServerOptions().toJson().forEach(entry -> {
      String key = entry.getKey();
      if (Objects.equals(json.getValue(key), entry.getValue()) && Objects.equals(ours.getValue(key), entry.getValue())) {
        json.remove(key);
      }
    });
    return json;
  }

  /**
   * A copy for FrameLoop's own server: {@link #applyWebSocketSettings}, HTTP/1.1 only, and the
   * self-signed certificate when asked for (making it blocks).
   */
  static HttpServerOptions forFrames(HttpServerOptions configured, int maxMessageBytes, boolean tlsSelfSigned,
                                     long headerTimeoutMs) {
    HttpServerOptions server = applyWebSocketSettings(new HttpServerOptions(configured), maxMessageBytes)
      // HTTP/1.1 only: with h2c, a connection starts only once its first bytes arrive, so a
      // client that sends nothing would stay out of the ConnectionGuard's sight.
      .setHttp2ClearTextEnabled(false);
    if (server.getSslHandshakeTimeout() == SSLOptions.DEFAULT_SSL_HANDSHAKE_TIMEOUT
      && server.getSslHandshakeTimeoutUnit() == SSLOptions.DEFAULT_SSL_HANDSHAKE_TIMEOUT_TIME_UNIT) {
      // The ConnectionGuard sees a TLS connection only once its handshake is done: until then the
      // handshake timeout bounds it, as long as headerTimeoutMs bounds a plain one.
      server.setSslHandshakeTimeout(headerTimeoutMs).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    if (tlsSelfSigned && !server.isSsl()) {
      // A development certificate, new at every start: browsers will warn about it.
      server.setSsl(true).setKeyCertOptions(SelfSignedCertificate.create("localhost").keyCertOptions());
    }
    return server;
  }

  /**
   * Only what the frames WebSocket needs, set on {@code server} (and returned): messages and
   * frames of up to {@code maxMessageBytes}, no compression, the {@code frameloop.v1}
   * subprotocol (added to any the server already offers). Nothing else of {@code server} changes:
   * not its thread mode, port or TLS.
   */
  static HttpServerOptions applyWebSocketSettings(HttpServerOptions server, int maxMessageBytes) {
    // The session refuses messages over maxMessageBytes with a clean 1009 close, fragment by
    // fragment. The transport's frame limit sits a little above: Netty answers a frame over it by
    // closing the connection at once (the client sees 1006, not the reason), and frames up to it
    // may wait in the connection's inbound queue, so it is kept close to the session's limit.
    int transportLimit = (int) Math.min(Integer.MAX_VALUE, maxMessageBytes + 64L * 1024);
    server.setMaxWebSocketMessageSize(transportLimit)
      .setMaxWebSocketFrameSize(transportLimit)
      // JPEG does not deflate: compression would only burn CPU on both ends.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false);
    List<String> subProtocols = server.getWebSocketSubProtocols();
    if (subProtocols == null || !subProtocols.contains(FrameFormat.SUBPROTOCOL)) {
      // Browsers send their token as a subprotocol next to this one, and accept the handshake only
      // if the server selects one of theirs. An embedder's own subprotocols stay, before ours.
      List<String> offered = new ArrayList<>(subProtocols == null ? List.of() : subProtocols);
      offered.add(FrameFormat.SUBPROTOCOL);
      server.setWebSocketSubProtocols(offered);
    }
    return server;
  }
}
