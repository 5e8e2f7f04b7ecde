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
import java.util.Base64;
import java.util.List;
import java.util.Map;
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

  /** Keeps every binary message the page sends (it sends each frame as a Blob: header and JPEG). */
  private static final String KEEP_SENT_FRAMES = """
    window.sentFrames = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (data instanceof Blob && window.sentFrames.length < 2000) window.sentFrames.push(data);
      return send.call(this, data);
    };
    """;

  /** The JPEGs (base64) of the kept frames whose sequence numbers are in arguments[0], by sequence number. */
  private static final String SENT_JPEGS = """
    const wanted = new Set(arguments[0].map(Number));
    return (async () => {
      const found = {};
      for (const blob of window.sentFrames) {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        const seq = new DataView(bytes.buffer).getUint32(4);
        if (!wanted.has(seq)) continue;
        let text = '';
        for (const b of bytes.subarray(16)) text += String.fromCharCode(b);
        found[seq] = btoa(text);
      }
      return found;
    })();
    """;

  @Test
  void thePageRecordsWhatItSends(Vertx vertx, @TempDir Path recordDir) throws Exception {
    int port = TestServers.start(vertx, TestServers.options(o -> o.getRecordingOptions().setRecordDir(recordDir.toString())))
      .actualPort();
    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get("http://127.0.0.1:" + port + "/");
      browser.waitFor("the Record button, offered by hello", WAIT, d -> browser.driver().findElement(
        org.openqa.selenium.By.id("record")).isDisplayed());
      browser.sendJpeg(); // this test compares JPEG files byte for byte
      browser.script(KEEP_SENT_FRAMES);
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
      long previousSequence = -1;
      for (RecordingReader.Frame frame : recorded.frames()) {
        assertThat(frame.arrivalMicros()).isGreaterThan(previous);
        assertThat(frame.sequence()).isGreaterThan(previousSequence);
        previous = frame.arrivalMicros();
        previousSequence = frame.sequence();
        Mat image = Images.decode(frame.jpeg());
        assertThat(image.width()).as("the camera's 640x480 picture").isEqualTo(640);
        image.release();
      }
      // Byte for byte what the page sent, for the first ten frames of the recording.
      List<RecordingReader.Frame> firstTen = recorded.frames().subList(0, 10);
      @SuppressWarnings("unchecked")
      Map<String, Object> sent = (Map<String, Object>) browser.script(SENT_JPEGS,
        firstTen.stream().map(f -> f.sequence()).toList());
      for (RecordingReader.Frame frame : firstTen) {
        assertThat(sent).as("the page sent frame %d", frame.sequence()).containsKey(Long.toString(frame.sequence()));
        assertThat(frame.jpeg().getBytes()).as("frame %d byte for byte", frame.sequence())
          .isEqualTo(Base64.getDecoder().decode((String) sent.get(Long.toString(frame.sequence()))));
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
