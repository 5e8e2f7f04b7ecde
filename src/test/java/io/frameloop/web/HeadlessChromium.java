package io.frameloop.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's Chromium, headless, with a fake camera, driven through Debian's chromedriver. */
final class HeadlessChromium implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;

  HeadlessChromium(boolean ignoreCertificateErrors) {
    this(ignoreCertificateErrors, null, true);
  }

  /**
   * @param hostAlias   a host name that resolves to 127.0.0.1 in this browser (a non-localhost origin), or null
   * @param grantCamera whether the (fake) permission prompt grants the camera or denies it
   */
  HeadlessChromium(boolean ignoreCertificateErrors, String hostAlias, boolean grantCamera) {
    this(ignoreCertificateErrors, hostAlias, grantCamera, List.of());
  }

  /** @param extraArguments more Chromium switches, e.g. {@code --use-file-for-fake-video-capture=clip.y4m} */
  HeadlessChromium(boolean ignoreCertificateErrors, String hostAlias, boolean grantCamera, List<String> extraArguments) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException("the browser test needs Debian's chromium and chromium-driver packages"
        + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    }
    try {
      profile = Files.createTempDirectory("frameloop-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions()
      .setBinary(CHROMIUM.toFile())
      .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-device-for-media-stream", grantCamera ? "--use-fake-ui-for-media-stream" : "--deny-permission-prompts",
        "--window-size=1400,1100", "--user-data-dir=" + profile);
    options.addArguments(extraArguments);
    if (ignoreCertificateErrors) {
      options.addArguments("--ignore-certificate-errors");
    }
    if (hostAlias != null) {
      options.addArguments("--host-resolver-rules=MAP " + hostAlias + " 127.0.0.1");
    }
    // An explicit driver: Selenium Manager is never asked to download one.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
  }

  WebDriver driver() {
    return driver;
  }

  /** Runs {@code js} in every document this browser opens from now on, before any of the document's scripts. */
  void beforeEveryDocument(String js) {
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", js));
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  void click(String id) {
    driver.findElement(By.id(id)).click();
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /**
   * Runs {@code body} with {@code client} in scope, the page's FrameLoopClient (app.js exports it: the
   * page has no globals), and returns what {@code body} returns; {@code arguments} are the script's.
   */
  Object client(String body, Object... args) {
    return script("return import(new URL('app.js', document.baseURI).href).then(({ client }) => { " + body + " });", args);
  }

  /**
   * Has the page send JPEG frames and get JPEG replies ("Send as: JPEG", "Replies as: JPEG"), for tests of
   * the JPEG path on a server that decodes and encodes video too.
   */
  void sendJpeg() {
    script("const s = document.getElementById('video'); s.value = 'jpeg'; s.dispatchEvent(new Event('change'));");
    waitFor("the page sends JPEG", Duration.ofSeconds(10), d -> text("format").startsWith("JPEG"));
    jpegReplies();
  }

  /** Has the page ask for JPEG replies ("Replies as: JPEG"), once it has the server's hello. */
  void jpegReplies() {
    waitFor("the page has decided its replies", Duration.ofSeconds(20), d -> !text("reply-format").equals("–"));
    script("const s = document.getElementById('reply-video'); s.value = 'jpeg'; s.dispatchEvent(new Event('change'));");
    waitFor("the page asks for JPEG replies", Duration.ofSeconds(10), d -> text("reply-format").startsWith("JPEG"));
  }

  /** The WebSocket URL the page's client connects to. */
  String framesUrl() {
    return (String) client("return client.url;");
  }

  <T> T waitFor(String what, Duration timeout, Function<WebDriver, T> condition) {
    // On a timeout the message says what the page showed, to tell why.
    return new WebDriverWait(driver, timeout).withMessage(() -> what + "; the page showed: connection "
      + text("connection") + ", message \"" + text("message") + "\"").until(condition);
  }

  void screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
