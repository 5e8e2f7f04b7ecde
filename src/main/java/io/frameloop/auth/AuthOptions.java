package io.frameloop.auth;

import io.frameloop.config.ConfigValues;
import io.frameloop.config.Ranges;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Who may open a session and use the operations endpoints, and how much one tenant may spend.
 * Authentication is on when {@code authJwtSecret} or {@code authJwtPublicKeyPath} is set. Part of
 * the server's options; the JSON names are the configuration keys. Secrets are never logged.
 */
@DataObject
@JsonGen(publicConverter = true)
public class AuthOptions {

  /** RFC 7518 §3.2: an HS256 key has at least 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;
  public static final String DEFAULT_TENANT_CLAIM = "sub";
  public static final int DEFAULT_MAX_SESSIONS_PER_TENANT = 10;
  public static final int DEFAULT_MAX_FPS_PER_TENANT = 120;

  private String authJwtSecret;
  private String authJwtPublicKeyPath;
  private String authAudience;
  private String authIssuer;
  private String authTenantClaim = DEFAULT_TENANT_CLAIM;
  private int maxSessionsPerTenant = DEFAULT_MAX_SESSIONS_PER_TENANT;
  private int maxFpsPerTenant = DEFAULT_MAX_FPS_PER_TENANT;
  private String managementToken;
  private boolean allowQueryToken;

  public AuthOptions() {
  }

  public AuthOptions(AuthOptions other) {
    this(other.toJson());
  }

  /**
   * From configuration JSON (the keys are this owner's, as in {@link #toJson}); a missing key keeps
   * its default.
   *
   * @throws IllegalArgumentException naming the key, for a value of the wrong type or out of range
   */
  public AuthOptions(JsonObject json) {
    ConfigValues.read(json, toJson(), AuthOptionsConverter::fromJson, this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    AuthOptionsConverter.toJson(this, json);
    return json;
  }

  /** Whether sessions need a token. */
  @GenIgnore
  public boolean isEnabled() {
    return authJwtSecret != null || authJwtPublicKeyPath != null;
  }

  public String getAuthJwtSecret() {
    return authJwtSecret;
  }

  /** The HS256 shared secret tokens are signed with (at least 32 bytes); or set {@code authJwtPublicKeyPath}. */
  public AuthOptions setAuthJwtSecret(String authJwtSecret) {
    if (authJwtSecret != null && authJwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      // The value itself is never echoed.
      throw new IllegalArgumentException("an HS256 secret needs at least " + MIN_SECRET_BYTES
        + " bytes (e.g. openssl rand -base64 48)");
    }
    this.authJwtSecret = empty(authJwtSecret);
    return this;
  }

  public String getAuthJwtPublicKeyPath() {
    return authJwtPublicKeyPath;
  }

  /** A PEM public key (RSA for RS256, EC P-256 for ES256) tokens are verified with. */
  public AuthOptions setAuthJwtPublicKeyPath(String authJwtPublicKeyPath) {
    this.authJwtPublicKeyPath = empty(authJwtPublicKeyPath);
    return this;
  }

  public String getAuthAudience() {
    return authAudience;
  }

  /** When set, a token's {@code aud} must name it. */
  public AuthOptions setAuthAudience(String authAudience) {
    this.authAudience = empty(authAudience);
    return this;
  }

  public String getAuthIssuer() {
    return authIssuer;
  }

  /** When set, a token's {@code iss} must be it. */
  public AuthOptions setAuthIssuer(String authIssuer) {
    this.authIssuer = empty(authIssuer);
    return this;
  }

  public String getAuthTenantClaim() {
    return authTenantClaim;
  }

  /** The claim that names a session's tenant (the unit of the quotas); a token without it is refused. */
  public AuthOptions setAuthTenantClaim(String authTenantClaim) {
    if (authTenantClaim == null || authTenantClaim.isBlank()) {
      throw new IllegalArgumentException("must name a claim, e.g. sub");
    }
    this.authTenantClaim = authTenantClaim;
    return this;
  }

  public int getMaxSessionsPerTenant() {
    return maxSessionsPerTenant;
  }

  /** Open sessions one tenant may have (over it: HTTP 429); 0 for no limit besides {@code maxSessions}. */
  public AuthOptions setMaxSessionsPerTenant(int maxSessionsPerTenant) {
    this.maxSessionsPerTenant = Ranges.atLeast("maxSessionsPerTenant", maxSessionsPerTenant, 0, "no limit");
    return this;
  }

  public int getMaxFpsPerTenant() {
    return maxFpsPerTenant;
  }

  /** Frames per second over all of one tenant's sessions (over it: dropped as {@code rate_limited}); 0 for no limit. */
  public AuthOptions setMaxFpsPerTenant(int maxFpsPerTenant) {
    this.maxFpsPerTenant = Ranges.atLeast("maxFpsPerTenant", maxFpsPerTenant, 0, "no limit");
    return this;
  }

  public String getManagementToken() {
    return managementToken;
  }

  /** When set, {@code /metrics} and {@code /health} need {@code Authorization: Bearer <managementToken>}. */
  public AuthOptions setManagementToken(String managementToken) {
    if (managementToken != null && !managementToken.isEmpty() && managementToken.length() < 16) {
      throw new IllegalArgumentException("a management token needs at least 16 characters (e.g. openssl rand -hex 24)");
    }
    this.managementToken = empty(managementToken);
    return this;
  }

  public boolean isAllowQueryToken() {
    return allowQueryToken;
  }

  /**
   * Whether a session's token may come as {@code ?access_token=} (default false: refused with 401,
   * saying to use the {@code Authorization} header or the {@code bearer.<token>} subprotocol). The
   * WebSocket keeps its request URI, so a query token stays in the server's memory, in heap dumps
   * too, for the session's life (proxies may also log URLs); the header and the subprotocol leave
   * no copy once the session is admitted.
   */
  public AuthOptions setAllowQueryToken(boolean allowQueryToken) {
    this.allowQueryToken = allowQueryToken;
    return this;
  }

  private static String empty(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
