package io.frameloop.replay.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A replay run as one self-contained HTML page (well-formed XHTML, charts as inline SVG, no script,
 * nothing fetched): throughput and round trips over time, the latency distribution, drops by
 * reason over time, results messages and detections per second (when the run received any; with what
 * a replayed recording had kept), fairness across sessions, the settings, and the summary itself as JSON.
 */
public final class HtmlReport {

  private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:820px}"
    + "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
    + "td.n{text-align:right;font-variant-numeric:tabular-nums}svg{font-size:11px;margin:4px 0 16px}h2{margin-top:28px}";

  private HtmlReport() {
  }

  /**
   * The page.
   *
   * @param summary  the run's JSON summary ({@code ReplayReport.toJson()})
   * @param settings the run's settings
   * @param timeline the run second by second ({@code RunTimeline.toJson()})
   * @param latency  every round trip, µs
   * @param received frames received by each session
   */
  public static String render(JsonObject summary, JsonObject settings, JsonObject timeline, Histogram latency,
                              long[] received) {
    StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
      + "<meta charset=\"utf-8\"/>\n<title>FrameLoop replay report</title>\n<style>" + STYLE + "</style>\n</head>\n<body>\n"
      + "<h1>FrameLoop replay report</h1>\n");
    html.append("<h2>Summary</h2>\n<table>\n");
    row(html, "frames sent", "sent", summary.getLong("sent"));
    row(html, "frames received", "received", summary.getLong("received"));
    row(html, "dropped by the server", "droppedTotal", summary.getLong("droppedTotal"));
    summary.getJsonObject("serverDropped").forEach(e -> row(html, "&#160;&#160;" + Html.escape(e.getKey()),
      "dropped-" + e.getKey(), (Number) e.getValue()));
    row(html, "errors", "errors", summary.getLong("errors"));
    row(html, "throughput (frames/s received)", "throughputFps", summary.getDouble("throughputFps"));
    JsonObject latencyMs = summary.getJsonObject("latencyMs");
    for (String p : List.of("p50", "p90", "p95", "p99", "max")) {
      row(html, "round trip " + p + " (ms)", "latency-" + p, latencyMs.getDouble(p));
    }
    row(html, "Jain's fairness index", "jainIndex", summary.getJsonObject("fairness").getDouble("jainIndex"));
    JsonObject results = summary.getJsonObject("results", new JsonObject());
    row(html, "results messages", "results", results.getLong("messages", 0L));
    row(html, "detections", "detections", results.getLong("detections", 0L));
    JsonObject recorded = results.getJsonObject("recorded");
    if (recorded != null) {
      row(html, "results messages recorded", "recorded-results", recorded.getLong("messages"));
      row(html, "detections recorded", "recorded-detections", recorded.getLong("detections"));
      JsonObject compared = recorded.getJsonObject("compared");
      row(html, "frames compared with the recording", "compared-frames", compared.getLong("frames"));
      row(html, "&#160;&#160;as many detections as recorded", "compared-same", compared.getLong("sameCount"));
    }
    html.append("</table>\n");

    JsonArray steps = timeline.getJsonArray("steps", new JsonArray());
    double[] t = steps.stream().mapToDouble(s -> ((JsonObject) s).getDouble("t")).toArray();
    html.append("<h2>Throughput</h2>\n").append(SvgChart.lines("Frames per second", "seconds", "frames/s",
      List.of(series("sent", steps, t, "sentFps"), series("received", steps, t, "receivedFps")), null));
    html.append("<h2>Round trip over time</h2>\n").append(SvgChart.lines("Round trip by second", "seconds", "ms",
      List.of(series("p50", steps, t, "p50Ms"), series("p99", steps, t, "p99Ms")), null));
    html.append("<h2>Latency distribution</h2>\n").append(percentileCurve(latency));
    html.append("<h2>Drops by reason</h2>\n").append(drops(steps, t, timeline.getDouble("stepSeconds", 1.0)));
    html.append("<h2>Results</h2>\n");
    if (results.getLong("messages", 0L) > 0) {
      html.append(SvgChart.lines("Results messages and detections per second", "seconds", "per second",
        List.of(series("results", steps, t, "resultsPerSecond"), series("detections", steps, t, "detectionsPerSecond")), null));
    } else {
      html.append("<p id=\"no-results\">No results messages came back (the pipeline's reply mode was image).</p>\n");
    }
    double[] perSession = new double[received.length];
    for (int i = 0; i < received.length; i++) {
      perSession[i] = received[i];
    }
    html.append("<h2>Fairness</h2>\n").append(SvgChart.bars("Frames received per session", "session", "frames", perSession));
    html.append("<h2>Settings</h2>\n<table>\n");
    settings.forEach(e -> html.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td>")
      .append(Html.escape(String.valueOf(e.getValue()))).append("</td></tr>\n"));
    html.append("</table>\n<h2>Summary as JSON</h2>\n<script type=\"application/json\" id=\"summary-json\">")
      .append(scriptSafe(summary.encodePrettily())).append("</script>\n<pre>").append(Html.escape(summary.encodePrettily()))
      .append("</pre>\n</body>\n</html>\n");
    // The summary's JSON may carry characters XML forbids (U+FFFE, a lone surrogate): the page must still parse.
    return Html.xmlChars(html.toString());
  }

  private static void row(StringBuilder html, String label, String id, Number value) {
    String text = value instanceof Double d ? SvgChart.fmt(d) : String.valueOf(value);
    html.append("<tr><th>").append(label).append("</th><td class=\"n\" id=\"").append(Html.escape(id)).append("\">")
      .append(Html.escape(text)).append("</td></tr>\n");
  }

  private static SvgChart.Series series(String name, JsonArray steps, double[] t, String key) {
    double[] y = steps.stream().mapToDouble(s -> {
      Double value = ((JsonObject) s).getDouble(key);
      return value == null ? Double.NaN : value;
    }).toArray();
    return new SvgChart.Series(name, t, y);
  }

  /** Round trip against percentile, the percentile axis stretched like HdrHistogram's plots (90%, 99%, 99.9%...). */
  private static String percentileCurve(Histogram latency) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    if (latency.getTotalCount() > 0) {
      for (HistogramIterationValue value : latency.percentiles(5)) {
        double level = Math.min(99.9999, value.getPercentileLevelIteratedTo());
        x.add(Math.log10(100 / (100 - level)));
        y.add(value.getValueIteratedTo() / 1000.0);
      }
    }
    List<SvgChart.Tick> ticks = new ArrayList<>();
    String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
    double xMax = x.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    for (int i = 0; i < labels.length && i <= Math.ceil(xMax); i++) {
      ticks.add(new SvgChart.Tick(i, labels[i]));
    }
    return SvgChart.lines("Round trip by percentile", "percentile", "ms", List.of(new SvgChart.Series("round trip",
      x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray())), ticks);
  }

  private static String drops(JsonArray steps, double[] t, double stepSeconds) {
    TreeSet<String> reasons = new TreeSet<>();
    steps.forEach(s -> reasons.addAll(((JsonObject) s).getJsonObject("dropped").fieldNames()));
    if (reasons.isEmpty()) {
      return "<p id=\"no-drops\">The server dropped no frames.</p>\n";
    }
    List<SvgChart.Series> series = new ArrayList<>();
    for (String reason : reasons) {
      series.add(new SvgChart.Series(reason, t, steps.stream().mapToDouble(s -> ((JsonObject) s).getJsonObject("dropped")
        .getLong(reason, 0L) / stepSeconds).toArray()));
    }
    return SvgChart.lines("Frames dropped per second, by reason", "seconds", "frames/s", series, null);
  }

  /** JSON inside a script element: no character there may end it or start markup. */
  private static String scriptSafe(String json) {
    return json.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e");
  }
}
