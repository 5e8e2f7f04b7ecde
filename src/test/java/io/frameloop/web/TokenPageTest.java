package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.TestServers;
import io.frameloop.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The page against a server that needs session tokens, in a real headless Chromium. */
@ExtendWith(VertxExtension.class)
class TokenPageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void pageStreamsWithTheTokenFromItsAddressAndSaysWhatToDoWithout(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getAuthOptions().setAuthJwtSecret(Tokens.SECRET))).actualPort();
    String token = Tokens.hs256(vertx, Tokens.SECRET).valid("page-user");
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the refusal is explained", WAIT, d -> browser.text("message").contains("needs a session token"));
      assertThat(browser.text("connection")).isEqualTo("refused");
      assertThat(browser.text("message")).as("what to do").contains("#token=").contains("Token field");
      // Starting the camera meanwhile leaves the explanation in place: never "refused" with an empty message bar.
      browser.click("start");
      browser.waitFor("the camera runs", WAIT, d -> browser.text("start").equals("Stop camera"));
      assertThat(browser.text("message")).contains("needs a session token");
      assertThat(browser.text("connection")).isEqualTo("refused");

      browser.driver().get("about:blank");
      browser.driver().get("http://127.0.0.1:" + port + "/#token=" + token);
      browser.waitFor("the page connects with its token", WAIT, d -> browser.text("connection").equals("connected"));
      assertThat((String) browser.script("return location.href")).as("the token leaves the address bar").doesNotContain(token);
      assertThat((String) browser.client("return client.protocol;")).isEqualTo("frameloop.v1");
      browser.click("start");
      browser.waitFor("10 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 10);

      // A token typed into the field that the server refuses: the reason is shown, no reconnect loop.
      browser.script("const t = document.getElementById('token'); t.value = 'not-a-jwt';"
        + "t.dispatchEvent(new Event('change'));");
      browser.waitFor("the bad token is explained", WAIT, d -> browser.text("message").contains("HTTP 401")
        && browser.text("message").contains("malformed token"));
    }
  }
}
