package io.frameloop.replay.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Line and bar charts as inline SVG: nothing to fetch when the report is opened. */
final class SvgChart {

  static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"};
  private static final int WIDTH = 760;
  private static final int HEIGHT = 280;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 34;
  private static final int BOTTOM = 44;

  /** One line; a NaN {@code y} leaves a gap. */
  record Series(String name, double[] x, double[] y) {
  }

  /** A labelled mark on an axis. */
  record Tick(double value, String label) {
  }

  private SvgChart() {
  }

  /** A line chart; {@code xTicks} null for evenly spaced ones. */
  static String lines(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks) {
    double xMax = 0;
    double yMax = 0;
    double xMin = Double.MAX_VALUE;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        xMin = Math.min(xMin, s.x()[i]);
        xMax = Math.max(xMax, s.x()[i]);
        if (!Double.isNaN(s.y()[i])) {
          yMax = Math.max(yMax, s.y()[i]);
        }
      }
    }
    xMin = xMin == Double.MAX_VALUE ? 0 : Math.min(0, xMin);
    xMax = Math.max(xMax, xMin + 1);
    yMax = niceCeiling(yMax);
    StringBuilder svg = open(title, xLabel, yLabel);
    axes(svg, xMin, xMax, yMax, xTicks == null ? ticks(xMin, xMax) : xTicks);
    for (int n = 0; n < series.size(); n++) {
      Series s = series.get(n);
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isNaN(s.y()[i])) {
          pen = false;
          continue;
        }
        path.append(pen ? " L" : " M").append(fmt(x(s.x()[i], xMin, xMax))).append(',').append(fmt(y(s.y()[i], yMax)));
        pen = true;
      }
      String color = COLORS[n % COLORS.length];
      svg.append("<path fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" d=\"")
        .append(path.toString().trim()).append("\"/>\n");
      svg.append("<rect x=\"").append(LEFT + 10 + n * 130).append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"")
        .append(color).append("\"/><text x=\"").append(LEFT + 26 + n * 130).append("\" y=\"18\">")
        .append(Html.escape(s.name())).append("</text>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  /** One bar per value, labelled 1, 2, 3... */
  static String bars(String title, String xLabel, String yLabel, double[] values) {
    double yMax = 0;
    for (double v : values) {
      yMax = Math.max(yMax, v);
    }
    yMax = niceCeiling(yMax);
    StringBuilder svg = open(title, xLabel, yLabel);
    int n = Math.max(1, values.length);
    List<Tick> xTicks = new ArrayList<>();
    for (int i = 0; i < values.length; i += Math.max(1, values.length / 10)) {
      xTicks.add(new Tick(i + 0.5, Integer.toString(i + 1)));
    }
    axes(svg, 0, n, yMax, xTicks);
    double slot = (WIDTH - LEFT - RIGHT) / (double) n;
    for (int i = 0; i < values.length; i++) {
      double top = y(values[i], yMax);
      svg.append("<rect fill=\"").append(COLORS[0]).append("\" x=\"").append(fmt(LEFT + i * slot + slot * 0.1))
        .append("\" y=\"").append(fmt(top)).append("\" width=\"").append(fmt(Math.max(0.5, slot * 0.8)))
        .append("\" height=\"").append(fmt(HEIGHT - BOTTOM - top)).append("\"><title>session ").append(i + 1).append(": ")
        .append(fmt(values[i])).append("</title></rect>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  private static StringBuilder open(String title, String xLabel, String yLabel) {
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH).append("\" height=\"")
      .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\">\n<title>")
      .append(Html.escape(title)).append("</title>\n");
    svg.append("<text x=\"").append(LEFT + (WIDTH - LEFT - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 6)
      .append("\" text-anchor=\"middle\">").append(Html.escape(xLabel)).append("</text>\n");
    svg.append("<text transform=\"translate(14,").append(TOP + (HEIGHT - TOP - BOTTOM) / 2)
      .append(") rotate(-90)\" text-anchor=\"middle\">").append(Html.escape(yLabel)).append("</text>\n");
    return svg;
  }

  private static void axes(StringBuilder svg, double xMin, double xMax, double yMax, List<Tick> xTicks) {
    for (Tick tick : ticks(0, yMax)) {
      double y = y(tick.value(), yMax);
      svg.append("<line stroke=\"#ddd\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
        .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"/><text x=\"").append(LEFT - 6).append("\" y=\"")
        .append(fmt(y + 4)).append("\" text-anchor=\"end\">").append(Html.escape(tick.label())).append("</text>\n");
    }
    for (Tick tick : xTicks) {
      double x = x(tick.value(), xMin, xMax);
      svg.append("<line stroke=\"#999\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
        .append(HEIGHT - BOTTOM).append("\" y2=\"").append(HEIGHT - BOTTOM + 4).append("\"/><text x=\"").append(fmt(x))
        .append("\" y=\"").append(HEIGHT - BOTTOM + 16).append("\" text-anchor=\"middle\">").append(Html.escape(tick.label()))
        .append("</text>\n");
    }
    svg.append("<polyline fill=\"none\" stroke=\"#333\" points=\"").append(LEFT).append(',').append(TOP).append(' ')
      .append(LEFT).append(',').append(HEIGHT - BOTTOM).append(' ').append(WIDTH - RIGHT).append(',').append(HEIGHT - BOTTOM)
      .append("\"/>\n");
  }

  /** About five round-numbered ticks from {@code min} to {@code max}. */
  private static List<Tick> ticks(double min, double max) {
    double step = niceStep((max - min) / 5);
    List<Tick> ticks = new ArrayList<>();
    for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
      ticks.add(new Tick(v, fmt(v)));
    }
    return ticks;
  }

  private static double niceStep(double rough) {
    if (!(rough > 0)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double fraction = rough / magnitude;
    return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
  }

  private static double niceCeiling(double max) {
    if (!(max > 0)) {
      return 1;
    }
    double step = niceStep(max / 5);
    return Math.ceil(max / step) * step;
  }

  private static double x(double value, double min, double max) {
    return LEFT + (value - min) / (max - min) * (WIDTH - LEFT - RIGHT);
  }

  private static double y(double value, double max) {
    return HEIGHT - BOTTOM - value / max * (HEIGHT - TOP - BOTTOM);
  }

  /** A number as SVG and people read it: at most three decimals, no exponent. */
  static String fmt(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value);
    text = text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    return text.equals("-0") ? "0" : text;
  }
}
