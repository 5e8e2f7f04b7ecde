package io.frameloop.auth;

import io.frameloop.session.SessionGrant;
import io.frameloop.session.SessionListener;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * Decides, from a WebSocket handshake, whether a session may start and what it is granted. Fails
 * with {@link AuthFailure} (answer 401) or {@link TenantFullException} (answer 429). Every granted session
 * is {@link #release}d when it closes.
 */
public interface SessionAdmission {

  Future<SessionGrant> admit(MultiMap headers, String uri);

  void release(SessionGrant grant);

  /** Authentication off: every session is anonymous, with no tenant quota. */
  static SessionAdmission anonymous(SessionListener listener) {
    SessionGrant grant = SessionGrant.anonymous(listener);
    return new SessionAdmission() {
      @Override
      public Future<SessionGrant> admit(MultiMap headers, String uri) {
        return Future.succeededFuture(grant);
      }

      @Override
      public void release(SessionGrant grant) {
      }
    };
  }

  /** A valid token is needed, and its tenant's quotas apply. */
  static SessionAdmission tokens(TokenAuth tokens, TenantQuotas quotas) {
    return new SessionAdmission() {
      @Override
      public Future<SessionGrant> admit(MultiMap headers, String uri) {
        return tokens.authenticate(headers, uri).map(quotas::admit);
      }

      @Override
      public void release(SessionGrant grant) {
        quotas.release(grant.tenant());
      }
    };
  }
}
