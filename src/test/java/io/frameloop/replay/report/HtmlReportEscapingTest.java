package io.frameloop.replay.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Text from the run (a source's name, a pipeline) never becomes markup in the report. */
class HtmlReportEscapingTest {

  private static final String HOSTILE = "</script><img src=x onerror=alert(1)> & \"quoted\" 'single'";

  @Test
  void textIsEscapedAndTheSummaryJsonSurvivesIntact() throws Exception {
    JsonObject latency = new JsonObject().put("count", 1).put("p50", 1.5).put("p90", 2.0).put("p95", 2.5).put("p99", 3.0)
      .put("max", 4.0).put("mean", 1.6);
    JsonObject summary = new JsonObject().put("source", HOSTILE).put("sent", 10).put("received", 9).put("droppedTotal", 1)
      .put("errors", 0).put("throughputFps", 4.5).put("serverDropped", new JsonObject().put("stale", 1))
      .put("latencyMs", latency).put("fairness", new JsonObject().put("jainIndex", 1.0));
    JsonObject timeline = new JsonObject().put("stepSeconds", 1.0).put("steps", new JsonArray()
      .add(new JsonObject().put("t", 0.0).put("sentFps", 10.0).put("receivedFps", 9.0).put("p50Ms", 1.5).put("p99Ms", null)
        .put("dropped", new JsonObject().put("stale", 1))));
    Histogram histogram = new Histogram(60_000_000L, 3);
    histogram.recordValue(1500);
    String html = HtmlReport.render(summary, new JsonObject().put("pipeline", HOSTILE), timeline, histogram, new long[] {9});

    assertThat(html).doesNotContain("<img", "</script><");
    Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder()
      .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    var xpath = XPathFactory.newInstance().newXPath();
    assertThat(xpath.evaluate("//tr[th='pipeline']/td", page)).isEqualTo(HOSTILE);
    assertThat(new JsonObject(xpath.evaluate("//*[@id='summary-json']", page)).getString("source")).isEqualTo(HOSTILE);
    assertThat(xpath.evaluate("//*[@id='dropped-stale']", page)).isEqualTo("1");
  }

  @Test
  void charactersXmlForbidsAreShownAsTextAndThePageParses() throws Exception {
    // U+0001 and U+FFFE in a drop reason: Jackson escapes the first in the summary's JSON, not the second.
    String reason = "bad\u0001\uFFFEreason";
    JsonObject latency = new JsonObject().put("count", 0).put("p50", 0.0).put("p90", 0.0).put("p95", 0.0).put("p99", 0.0)
      .put("max", 0.0).put("mean", 0.0);
    JsonObject summary = new JsonObject().put("sent", 1).put("received", 1).put("droppedTotal", 1).put("errors", 0)
      .put("throughputFps", 1.0).put("serverDropped", new JsonObject().put(reason, 1)).put("latencyMs", latency)
      .put("fairness", new JsonObject().put("jainIndex", 1.0));
    JsonObject timeline = new JsonObject().put("stepSeconds", 1.0).put("steps", new JsonArray()
      .add(new JsonObject().put("t", 0.0).put("sentFps", 1.0).put("receivedFps", 1.0).put("p50Ms", null).put("p99Ms", null)
        .put("dropped", new JsonObject().put(reason, 1))));
    String html = HtmlReport.render(summary, new JsonObject().put("pipeline", "\u001b[31m"), timeline,
      new Histogram(60_000_000L, 3), new long[] {1});

    Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder()
      .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    var xpath = XPathFactory.newInstance().newXPath();
    assertThat(xpath.evaluate("//tr[th='pipeline']/td", page)).isEqualTo("\\u001b[31m");
    assertThat(xpath.evaluate("count(//tr[th='\u00a0\u00a0bad\\u0001\\ufffereason'])", page)).isEqualTo("1");
  }
}
