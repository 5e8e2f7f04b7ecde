package io.frameloop.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/** Where a handshake's token is looked for, and what is refused before any signature check. */
class BearerTokenTest {

  private static MultiMap headers(String... nameValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      headers.add(nameValues[i], nameValues[i + 1]);
    }
    return headers;
  }

  @Test
  void headerThenSubprotocolThenQueryWhenAllowed() {
    assertThat(BearerToken.find(headers("Authorization", "Bearer a.b.c", "Sec-WebSocket-Protocol", "frameloop.v1, bearer.x.y.z"),
      "/frames?access_token=q", true)).isEqualTo("a.b.c");
    assertThat(BearerToken.find(headers("Authorization", "Basic dTpw", "Sec-WebSocket-Protocol", "frameloop.v1, bearer.x.y.z"),
      "/frames?access_token=q", true)).isEqualTo("x.y.z");
    assertThat(BearerToken.find(headers("Sec-WebSocket-Protocol", "frameloop.v1"), "/frames?access_token=q", true)).isEqualTo("q");
    assertThat(BearerToken.find(headers(), "/frames", false)).isNull();
    assertThat(BearerToken.find(headers("Authorization", "Bearer a.b.c"), "/frames?other=1", false)).isEqualTo("a.b.c");
  }

  /** Not allowed (the default): a query token is refused, even beside a header token, since the URI would keep it. */
  @Test
  void aQueryTokenIsRefusedUnlessAllowed() {
    assertThatThrownBy(() -> BearerToken.find(headers(), "/frames?access_token=q", false))
      .isInstanceOf(AuthFailure.class).hasMessage(BearerToken.QUERY_REFUSED)
      .hasMessageContaining("Authorization: Bearer <token>").hasMessageContaining("bearer.<token>");
    assertThatThrownBy(() -> BearerToken.find(headers("Authorization", "Bearer a.b.c"), "/frames?x=1&access_token=q", false))
      .hasMessage(BearerToken.QUERY_REFUSED);
  }

  @Test
  void refusesOversizedEmptyOrUnpairedTokens() {
    assertThatThrownBy(() -> BearerToken.find(headers("Authorization", "Bearer " + "a".repeat(BearerToken.MAX_TOKEN_CHARS + 1)), "/", false))
      .isInstanceOf(AuthFailure.class).hasMessage("malformed token");
    assertThatThrownBy(() -> BearerToken.find(headers("Authorization", "Bearer  "), "/", false)).hasMessage("malformed token");
    assertThatThrownBy(() -> BearerToken.find(headers("Sec-WebSocket-Protocol", "bearer.x.y.z"), "/", false))
      .hasMessageContaining("needs frameloop.v1");
  }
}
