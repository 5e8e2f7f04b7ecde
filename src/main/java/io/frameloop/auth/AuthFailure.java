package io.frameloop.auth;

/**
 * Why a request's credentials were refused, in a few words a client may be told (never the
 * token itself). {@code missing} tells RFC 6750 apart: a request without any token gets no
 * {@code error} attribute in its {@code WWW-Authenticate} challenge.
 */
public final class AuthFailure extends RuntimeException {

  private final boolean missing;

  AuthFailure(String reason, boolean missing) {
    super(reason, null, false, false);
    this.missing = missing;
  }

  static AuthFailure missing(String reason) {
    return new AuthFailure(reason, true);
  }

  static AuthFailure invalid(String reason) {
    return new AuthFailure(reason, false);
  }

  /** The value of a 401's {@code WWW-Authenticate} header. */
  public String challenge(String realm) {
    String challenge = "Bearer realm=\"" + realm + "\"";
    return missing ? challenge : challenge + ", error=\"invalid_token\", error_description=\"" + getMessage() + "\"";
  }
}
