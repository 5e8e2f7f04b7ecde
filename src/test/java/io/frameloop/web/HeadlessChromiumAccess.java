package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** The browser checks other test packages need: a page at a URL connects to its frames path and streams. */
public final class HeadlessChromiumAccess {

  private HeadlessChromiumAccess() {
  }

  /** Opens {@code pageUrl} in headless Chromium with the fake camera and waits for processed frames. */
  public static void streams(String pageUrl, String framesPath) {
    Duration wait = Duration.ofSeconds(30);
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get(pageUrl);
      browser.waitFor("the page connects", wait, d -> browser.text("connection").equals("connected"));
      assertThat(browser.framesUrl()).endsWith(framesPath);
      browser.click("start");
      browser.waitFor("processed frames", wait, d -> Integer.parseInt(browser.text("recv-count")) > 5);
    }
  }
}
