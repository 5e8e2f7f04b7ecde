package io.frameloop.auth;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.util.List;

/**
 * Checks a session's JSON Web Token with vertx-auth-jwt: the signature (HS256 with a shared
 * secret, or RS256/ES256 with a public key), the audience and issuer when configured, the time
 * claims, and the tenant claim. Refusals are {@link AuthFailure}s with a short reason.
 */
public final class TokenAuth {

  /** Expiry times past this (year 2286) are taken as "does not expire". */
  private static final long NEVER_SECONDS = 9_999_999_999L;
  static final int MAX_TENANT_CHARS = 128;

  private final JWTAuth jwt;
  private final String tenantClaim;
  private final boolean allowQueryToken;

  private TokenAuth(JWTAuth jwt, String tenantClaim, boolean allowQueryToken) {
    this.jwt = jwt;
    this.tenantClaim = tenantClaim;
    this.allowQueryToken = allowQueryToken;
  }

  /**
   * The check the options describe, or {@code null} when authentication is off. Reads the public
   * key file, so not on the event loop.
   *
   * @throws IllegalArgumentException for a missing, unreadable or unusable key, or both kinds of key set
   */
  public static TokenAuth create(Vertx vertx, AuthOptions options) {
    if (!options.isEnabled()) {
      return null;
    }
    if (options.getAuthJwtSecret() != null && options.getAuthJwtPublicKeyPath() != null) {
      throw new IllegalArgumentException("invalid configuration: set authJwtSecret or authJwtPublicKeyPath, not both");
    }
    PubSecKeyOptions key = options.getAuthJwtSecret() != null
      ? new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(options.getAuthJwtSecret())
      : publicKey(Path.of(options.getAuthJwtPublicKeyPath()));
    JWTOptions checks = new JWTOptions()
      // The time claims are checked below, to tell "expired" from "not yet valid".
      .setIgnoreExpiration(true)
      .setIssuer(options.getAuthIssuer());
    if (options.getAuthAudience() != null) {
      checks.setAudience(List.of(options.getAuthAudience()));
    }
    return new TokenAuth(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(checks)),
      options.getAuthTenantClaim(), options.isAllowQueryToken());
  }

  private static PubSecKeyOptions publicKey(Path path) {
    String pem;
    try {
      pem = Files.readString(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid configuration 'authJwtPublicKeyPath': cannot read " + path + ": " + e);
    }
    return new PubSecKeyOptions().setAlgorithm(PublicKeys.algorithm(path, pem)).setBuffer(pem);
  }

  /**
   * The session a handshake's token grants.
   *
   * @param uri the request URI (for the {@code access_token} parameter: refused unless {@code allowQueryToken})
   */
  public Future<Grant> authenticate(MultiMap headers, String uri) {
    String token;
    try {
      token = BearerToken.find(headers, uri, allowQueryToken);
    } catch (AuthFailure e) {
      return Future.failedFuture(e);
    }
    if (token == null) {
      return Future.failedFuture(AuthFailure.missing("missing token: send Authorization: Bearer <token>"
        + " or the subprotocol bearer.<token>" + (allowQueryToken ? " or ?access_token=<token>" : "")));
    }
    Future<User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws, rather than fails, on some signed tokens with claims of the wrong type.
      return Future.failedFuture(AuthFailure.invalid("malformed token"));
    }
    return checked
      .recover(e -> Future.failedFuture(AuthFailure.invalid(reason(e))))
      .map(user -> grant(user.attributes().getJsonObject("accessToken"))); // the token's claims
  }

  private Grant grant(JsonObject claims) {
    long now = System.currentTimeMillis() / 1000;
    Long expires = seconds(claims, "exp");
    Long notBefore = seconds(claims, "nbf");
    if (expires != null && expires <= now) {
      throw AuthFailure.invalid("token expired");
    }
    if (notBefore != null && notBefore > now) {
      throw AuthFailure.invalid("token not yet valid");
    }
    Object tenant = claims.getValue(tenantClaim);
    if (!(tenant instanceof String name) || name.isEmpty()) {
      throw AuthFailure.invalid("the token has no " + tenantClaim + " claim (the tenant)");
    }
    // The tenant goes into logs, metrics and close reasons: no line breaks, a sane length.
    if (name.length() > MAX_TENANT_CHARS || name.chars().anyMatch(Character::isISOControl)) {
      throw AuthFailure.invalid("the " + tenantClaim + " claim must be at most " + MAX_TENANT_CHARS
        + " characters, without control characters");
    }
    // Far in the future (or absurd) means never: expires * 1000 must not overflow.
    return new Grant(name, expires == null || expires > NEVER_SECONDS ? 0 : expires * 1000);
  }

  private static Long seconds(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return number.longValue();
    }
    throw AuthFailure.invalid("malformed token: " + name + " is not a number");
  }

  /** vertx-auth-jwt's refusals, in a few words; its messages never contain the token. */
  private static String reason(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("Invalid JWT audience")) {
      return "wrong audience";
    } else if (message.startsWith("Invalid JWT issuer")) {
      return "wrong issuer";
    } else if (e instanceof SignatureException || e.getClass().getSimpleName().equals("NoSuchKeyIdException")) {
      return "bad signature";
    }
    return "malformed token";
  }

  /**
   * What a valid token grants.
   *
   * @param tenant          the tenant claim's value
   * @param expiresAtMillis when the token expires (epoch milliseconds), 0 if it does not
   */
  public record Grant(String tenant, long expiresAtMillis) {
  }
}
