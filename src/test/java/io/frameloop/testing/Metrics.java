package io.frameloop.testing;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a server's Prometheus text ({@code GET /metrics}), and the tests' one way to read
 * a series from it.
 */
public final class Metrics {

  public static final String PATH = "/metrics";

  private final String text;

  private Metrics(String text) {
    this.text = text;
  }

  /** Scrapes {@code /metrics} on loopback {@code port}. */
  public static Metrics scrape(int port) {
    return scrape(port, Map.of());
  }

  /** Scrapes {@code /metrics} with these request headers (e.g. the management token). */
  public static Metrics scrape(int port, Map<String, String> headers) {
    return of(Http.get(port, PATH, headers).body());
  }

  /** A scrape already read as text. */
  public static Metrics of(String text) {
    return new Metrics(text);
  }

  /** The scrape as the server wrote it. */
  public String text() {
    return text;
  }

  /**
   * The value of one series, named with or without its labels: {@code frameloop_frames_in_total},
   * {@code frameloop_errors_total{code="bad_frame"}}. Fails the test when the series is absent.
   */
  public double value(String series) {
    Matcher m = matcher(series);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  /** The value of one series, or {@code absent} when the server has not written it yet (a counter before its first event). */
  public double valueOr(String series, double absent) {
    Matcher m = matcher(series);
    return m.find() ? Double.parseDouble(m.group(1)) : absent;
  }

  /** The sum of every series whose line starts with {@code prefix}, e.g. {@code frameloop_frames_dropped_total{}. */
  public double sum(String prefix) {
    return text.lines().filter(line -> line.startsWith(prefix))
      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** How many series lines start with {@code prefix}. */
  public long count(String prefix) {
    return text.lines().filter(line -> line.startsWith(prefix)).count();
  }

  private Matcher matcher(String series) {
    return Pattern.compile("^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(text);
  }
}
