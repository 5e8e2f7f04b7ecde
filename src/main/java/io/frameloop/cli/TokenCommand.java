package io.frameloop.cli;

import io.frameloop.auth.AuthOptions;
import io.frameloop.server.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code frameloop token --subject alice}: a session token signed with the configured
 * {@code authJwtSecret}, for trying authentication out. In production an identity provider
 * issues the tokens.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
  description = "Print a session token (HS256 JWT) signed with the configured authJwtSecret (e.g. FRAMELOOP_AUTH_JWT_SECRET).")
final class TokenCommand implements Callable<Integer> {

  @Option(names = "--config", defaultValue = "config.json", description = "JSON configuration file (default: ${DEFAULT-VALUE}; optional)")
  String config;

  @Option(names = "--subject", required = true, description = "the token's sub claim: the tenant, unless authTenantClaim says otherwise")
  String subject;

  @Option(names = "--ttl", defaultValue = "1h", description = "how long the token is valid: 30s, 15m, 1h (default: ${DEFAULT-VALUE})")
  String ttl;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AuthOptions auth = ConfigLoader.load(vertx, config).await().getAuthOptions();
      if (auth.getAuthJwtSecret() == null) {
        System.err.println("token signs with authJwtSecret, which is not set (FRAMELOOP_AUTH_JWT_SECRET)."
          + (auth.getAuthJwtPublicKeyPath() != null ? " With authJwtPublicKeyPath, whoever holds the private key signs tokens." : ""));
        return 1;
      }
      long seconds = ReplayCommand.parseDuration(ttl).toSeconds();
      if (seconds < 1) {
        System.err.println("--ttl must be at least 1s");
        return 1;
      }
      JWTOptions claims = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, seconds))
        .setIssuer(auth.getAuthIssuer());
      if (auth.getAuthAudience() != null) {
        claims.addAudience(auth.getAuthAudience());
      }
      JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.getAuthJwtSecret())));
      System.out.println(signer.generateToken(new JsonObject().put(auth.getAuthTenantClaim(), subject), claims));
      return 0;
    } finally {
      vertx.close().await();
    }
  }
}
