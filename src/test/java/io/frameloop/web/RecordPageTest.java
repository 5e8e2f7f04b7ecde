package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.record.RecordingReader;
import io.frameloop.testing.Images;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/** The page's Record toggle in a real headless Chromium with its fake camera. */
@ExtendWith(VertxExtension.class)
class RecordPageTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void thePageRecordsWhatItSends(Vertx vertx, @TempDir Path recordDir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getRecordingOptions().setRecordDir(recordDir.toString())))
      .actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the Record button, offered by hello", WAIT, d -> browser.driver().findElement(
        org.openqa.selenium.By.id("record")).isDisplayed());
      browser.click("start");
      browser.waitFor("5 processed frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > 5);
      browser.click("record");
      browser.waitFor("a recording", WAIT, d -> browser.text("record-state").startsWith("recording rec-"));
      int received = Integer.parseInt(browser.text("recv-count"));
      browser.waitFor("15 more frames", WAIT, d -> Integer.parseInt(browser.text("recv-count")) > received + 15);
      browser.click("record");
      String saved = browser.waitFor("the recording saved", WAIT, d -> browser.text("record-state").startsWith("saved")
        ? browser.text("record-state") : null);
      assertThat(browser.text("record")).isEqualTo("Record");

      Matcher matcher = Pattern.compile("saved (rec-[0-9a-f-]+): (\\d+) frames").matcher(saved);
      assertThat(matcher.find()).as(saved).isTrue();
      RecordingReader.Recorded recorded = RecordingReader.read(recordDir.resolve(matcher.group(1)), 100_000);
      assertThat(recorded.frames()).hasSize(Integer.parseInt(matcher.group(2))).hasSizeGreaterThan(15);
      long previous = -1;
      for (RecordingReader.Frame frame : recorded.frames()) {
        assertThat(frame.arrivalMicros()).isGreaterThan(previous);
        previous = frame.arrivalMicros();
        Mat image = Images.decode(frame.jpeg());
        assertThat(image.width()).as("the camera's own 640x480 JPEG, as sent").isEqualTo(640);
        image.release();
      }
    }
    try (Stream<Path> recordings = Files.list(recordDir)) {
      assertThat(recordings.toList()).hasSize(1);
    }
  }

  @Test
  void withoutRecordDirThePageOffersNoRecording(Vertx vertx) {
    int port = TestServers.start(vertx, TestServers.options()).actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the page connects", WAIT, d -> browser.text("connection").equals("connected"));
      browser.waitFor("pipeline controls built from hello", WAIT, d -> (Boolean) browser.script(
        "return document.querySelectorAll('#ops .op').length >= 6"));
      assertThat(browser.driver().findElement(org.openqa.selenium.By.id("record")).isDisplayed()).isFalse();
    }
  }
}
