package io.frameloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.frameloop.testing.ReplayCli;
import io.frameloop.testing.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code replay --report}: a page that parses, says what the JSON summary says, and shows its charts in Chromium. */
@ExtendWith(VertxExtension.class)
class ReplayHtmlReportTest {

  @Test
  void theReportMatchesTheSummaryAndRendersInChromium(Vertx vertx, @TempDir Path dir) throws Exception {
    // Over the server's maxFps: some frames are dropped as rate_limited, so the drop chart has a line.
    int port = TestServers.start(vertx, TestServers.options(o -> o.getSessionOptions().setMaxFps(15))).actualPort();
    Path json = dir.resolve("summary.json");
    Path report = dir.resolve("report.html");
    Path hgrm = dir.resolve("latency.hgrm");
    String printed = ReplayCli.replay("--url", "ws://127.0.0.1:" + port + "/frames",
      "--sessions", "3", "--fps", "25", "--window", "0", "--duration", "3s", "--source", "synthetic:320x240",
      "--json", json.toString(), "--report", report.toString(), "--hgrm", hgrm.toString());
    assertThat(printed).as("the text summary stays").contains("frames sent").contains("Jain's index");
    JsonObject summary = new JsonObject(Files.readString(json));
    assertThat(summary.getJsonObject("serverDropped").getLong("rate_limited")).isPositive();

    // Well-formed (it is XHTML), and its numbers are the summary's.
    Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    XPath xpath = XPathFactory.newInstance().newXPath();
    for (String key : new String[] {"sent", "received", "droppedTotal", "errors"}) {
      assertThat(xpath.evaluate("//*[@id='" + key + "']", page)).as(key).isEqualTo(Long.toString(summary.getLong(key)));
    }
    assertThat(xpath.evaluate("//*[@id='dropped-rate_limited']", page))
      .isEqualTo(Long.toString(summary.getJsonObject("serverDropped").getLong("rate_limited")));
    for (String p : new String[] {"p50", "p90", "p99", "max"}) {
      assertThat(Double.parseDouble(xpath.evaluate("//*[@id='latency-" + p + "']", page))).as(p)
        .isEqualTo(summary.getJsonObject("latencyMs").getDouble(p));
    }
    assertThat(new JsonObject(xpath.evaluate("//*[@id='summary-json']", page)).getLong("sent")).isEqualTo(summary.getLong("sent"));
    assertThat(((Number) xpath.evaluate("count(//*[local-name()='svg'])", page, XPathConstants.NUMBER)).intValue()).isEqualTo(5);
    assertThat(Files.readString(report)).as("nothing to fetch").doesNotContain("src=", "href=", "<link", "@import", "url(");
    assertThat(Files.readString(hgrm)).contains("Value     Percentile TotalCount 1/(1-Percentile)")
      .containsPattern("Total count += +" + summary.getJsonObject("latencyMs").getLong("count") + "]");

    try (HeadlessChromium browser = new HeadlessChromium(false)) {
      browser.driver().get(report.toUri().toString());
      assertThat(browser.driver().getTitle()).isEqualTo("FrameLoop replay report");
      assertThat(browser.script("return [...document.querySelectorAll('svg path')].filter(p => p.getTotalLength() > 50).length"))
        .as("drawn lines").satisfies(n -> assertThat(((Number) n).intValue()).isGreaterThanOrEqualTo(6));
      browser.screenshot(Path.of("target", "browser", "replay-report.png"));
    }
  }
}
