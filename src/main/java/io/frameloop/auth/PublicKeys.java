package io.frameloop.auth;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Which JWT algorithm a PEM public key verifies: RS256 for RSA, ES256 for EC P-256. */
final class PublicKeys {

  private PublicKeys() {
  }

  static String algorithm(Path path, String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    if (!pem.contains("-----BEGIN PUBLIC KEY-----") || base64.isEmpty()) {
      throw invalid(path, "not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw invalid(path, "the PEM text is not base64");
    }
    if (parse("RSA", der) != null) {
      return "RS256";
    }
    if (parse("EC", der) instanceof ECPublicKey ec) {
      if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw invalid(path, "an EC key must be on P-256 (ES256)");
      }
      return "ES256";
    }
    throw invalid(path, "neither an RSA nor an EC public key");
  }

  private static PublicKey parse(String type, byte[] der) {
    try {
      return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static IllegalArgumentException invalid(Path path, String problem) {
    return new IllegalArgumentException("invalid configuration 'authJwtPublicKeyPath': " + path + ": " + problem);
  }
}
