package io.frameloop.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Signs JSON Web Tokens for tests, with vertx-auth-jwt, as an identity provider would. */
public final class Tokens {

  public static final String SECRET = "test-secret-of-at-least-32-bytes-0123456789";
  public static final String OTHER_SECRET = "another-secret-of-at-least-32-bytes-987654321";

  private final JWTAuth signer;
  private final String algorithm;

  private Tokens(JWTAuth signer, String algorithm) {
    this.signer = signer;
    this.algorithm = algorithm;
  }

  /** HS256 with a shared secret. */
  public static Tokens hs256(Vertx vertx, String secret) {
    return new Tokens(JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))), "HS256");
  }

  /** RS256 or ES256 with the private key of {@code keys}. */
  public static Tokens signedWith(Vertx vertx, String algorithm, KeyPair keys) {
    return new Tokens(JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded())))),
      algorithm);
  }

  public static KeyPair rsaKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  public static KeyPair ecKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** Writes the public key of {@code keys} as PEM, as the server reads it. */
  public static Path writePublicKey(Path dir, KeyPair keys) throws Exception {
    return Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** A token for {@code subject}, valid for an hour. */
  public String valid(String subject) {
    return sign(new JsonObject().put("sub", subject).put("exp", now() + 3600));
  }

  /** A token with exactly these claims (no {@code exp} is added). */
  public String sign(JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm(algorithm));
  }

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** An unsigned token ({@code "alg":"none"}), which must never be accepted. */
  public static String unsigned(JsonObject claims) {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    return url.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
      + url.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }
}
