package io.frameloop.replay.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The report's results: their rows and their chart when the run received results, a sentence when it did not. */
class HtmlReportResultsTest {

  private static final String CHART = "Results messages and detections per second";

  private static JsonObject summary(JsonObject results) {
    JsonObject latency = new JsonObject().put("count", 3).put("p50", 1.5).put("p90", 2.0).put("p95", 2.5).put("p99", 3.0)
      .put("max", 4.0).put("mean", 1.6);
    JsonObject summary = new JsonObject().put("source", "a recording").put("sent", 30).put("received", 30)
      .put("droppedTotal", 0).put("errors", 0).put("throughputFps", 10.0).put("serverDropped", new JsonObject())
      .put("latencyMs", latency).put("fairness", new JsonObject().put("jainIndex", 1.0));
    return results == null ? summary : summary.put("results", results);
  }

  private static JsonObject timeline(double... resultsPerSecond) {
    JsonArray steps = new JsonArray();
    for (int i = 0; i < resultsPerSecond.length; i++) {
      steps.add(new JsonObject().put("t", (double) i).put("sentFps", 10.0).put("receivedFps", 10.0).put("p50Ms", 1.5)
        .put("p99Ms", 3.0).put("resultsPerSecond", resultsPerSecond[i]).put("detectionsPerSecond", 2 * resultsPerSecond[i])
        .put("dropped", new JsonObject()));
    }
    return new JsonObject().put("stepSeconds", 1.0).put("steps", steps);
  }

  private static Document render(JsonObject summary, JsonObject timeline) throws Exception {
    Histogram histogram = new Histogram(60_000_000L, 3);
    histogram.recordValue(1500);
    String html = HtmlReport.render(summary, new JsonObject(), timeline, histogram, new long[] {30});
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aRunWithResultsChartsThemPerSecondAndShowsWhatTheRecordingHadKept() throws Exception {
    JsonObject recorded = new JsonObject().put("messages", 30).put("detections", 60).put("frames", 30)
      .put("compared", new JsonObject().put("frames", 30).put("sameCount", 28).put("recordedDetections", 60).put("detections", 58));
    Document page = render(summary(new JsonObject().put("messages", 30).put("detections", 58).put("perSecond", 10.0)
      .put("detectionsPerSecond", 19.3).put("recorded", recorded)), timeline(10, 10, 10));
    XPath xpath = XPathFactory.newInstance().newXPath();
    assertThat(xpath.evaluate("//*[@id='results']", page)).isEqualTo("30");
    assertThat(xpath.evaluate("//*[@id='detections']", page)).isEqualTo("58");
    assertThat(xpath.evaluate("//*[@id='recorded-detections']", page)).isEqualTo("60");
    assertThat(xpath.evaluate("//*[@id='compared-same']", page)).isEqualTo("28");
    String chart = "//*[local-name()='svg'][*[local-name()='title']='" + CHART + "']";
    assertThat(((Number) xpath.evaluate("count(" + chart + ")", page, XPathConstants.NUMBER)).intValue()).isEqualTo(1);
    assertThat(xpath.evaluate(chart + "//*[local-name()='text'][. = 'results']", page)).as("its legend").isEqualTo("results");
    // Three steps at 10 results/s and 20 detections/s: two lines of three points each.
    String resultsLine = xpath.evaluate("(" + chart + "/*[local-name()='path'])[1]/@d", page);
    String detectionsLine = xpath.evaluate("(" + chart + "/*[local-name()='path'])[2]/@d", page);
    assertThat(resultsLine.split("[ML]")).hasSize(4);
    assertThat(detectionsLine.split("[ML]")).hasSize(4);
    assertThat(resultsLine).as("the two series are drawn at different heights").isNotEqualTo(detectionsLine);
    assertThat(((Number) xpath.evaluate("count(//*[@id='no-results'])", page, XPathConstants.NUMBER)).intValue()).isZero();
  }

  @Test
  void aRunWithoutResultsSaysSoAndDrawsNoResultsChart() throws Exception {
    for (JsonObject summary : new JsonObject[] {summary(new JsonObject().put("messages", 0).put("detections", 0)), summary(null)}) {
      Document page = render(summary, timeline(0, 0));
      XPath xpath = XPathFactory.newInstance().newXPath();
      assertThat(xpath.evaluate("//*[@id='no-results']", page)).contains("No results messages");
      assertThat(xpath.evaluate("//*[@id='results']", page)).isEqualTo("0");
      assertThat(((Number) xpath.evaluate("count(//*[local-name()='svg'][*[local-name()='title']='" + CHART + "'])", page,
        XPathConstants.NUMBER)).intValue()).isZero();
    }
  }
}
