package org.lambdaref.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small, dependency-free SVG charts for {@code docs/benchmarks.md}: grouped bars and lines. Text
 * only, so a chart diffs in review and renders on GitHub.
 */
public final class SvgChart {

  private static final String[] COLORS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"
  };
  private static final int WIDTH = 720;
  private static final int HEIGHT = 360;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 70;

  private final String title;
  private final String unit;
  private final List<String> categories;
  private final Map<String, List<Double>> series = new LinkedHashMap<>();

  private SvgChart(String title, String unit, List<String> categories) {
    this.title = title;
    this.unit = unit;
    this.categories = List.copyOf(categories);
  }

  /** A chart over {@code categories} (the x axis); add one series per engine or variant. */
  public static SvgChart of(String title, String unit, List<String> categories) {
    return new SvgChart(title, unit, categories);
  }

  public SvgChart series(String name, List<Double> values) {
    if (values.size() != categories.size()) {
      throw new IllegalArgumentException(
          "series "
              + name
              + " has "
              + values.size()
              + " values for "
              + categories.size()
              + " categories");
    }
    series.put(name, List.copyOf(values));
    return this;
  }

  /** Grouped bars, one group per category, each bar labelled with its value. */
  public String bars() {
    StringBuilder svg = header();
    double max = niceMax();
    axes(svg, max);
    int plotWidth = WIDTH - LEFT - RIGHT;
    double group = (double) plotWidth / categories.size();
    double bar = group * 0.8 / Math.max(1, series.size());
    int s = 0;
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      for (int c = 0; c < categories.size(); c++) {
        double v = e.getValue().get(c);
        double h = v / max * plotHeight();
        double x = LEFT + c * group + group * 0.1 + s * bar;
        double y = TOP + plotHeight() - h;
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x,
                y,
                bar - 2,
                h,
                COLORS[s % COLORS.length]));
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                x + (bar - 2) / 2,
                y - 3,
                format(v)));
      }
      s++;
    }
    for (int c = 0; c < categories.size(); c++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n",
              LEFT + c * group + group / 2,
              TOP + plotHeight() + 18,
              escape(categories.get(c))));
    }
    return legendAndClose(svg);
  }

  /** Lines with points: categories are the x axis in order (for example input sizes). */
  public String lines() {
    StringBuilder svg = header();
    double max = niceMax();
    axes(svg, max);
    int plotWidth = WIDTH - LEFT - RIGHT;
    double step = categories.size() == 1 ? 0 : (double) plotWidth * 0.9 / (categories.size() - 1);
    int s = 0;
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      List<String> points = new ArrayList<>();
      for (int c = 0; c < categories.size(); c++) {
        double x = LEFT + plotWidth * 0.05 + c * step;
        double y = TOP + plotHeight() - e.getValue().get(c) / max * plotHeight();
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        svg.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                x,
                y,
                COLORS[s % COLORS.length]));
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                x,
                y - 6,
                format(e.getValue().get(c))));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
              String.join(" ", points),
              COLORS[s % COLORS.length]));
      s++;
    }
    for (int c = 0; c < categories.size(); c++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n",
              LEFT + plotWidth * 0.05 + c * step,
              TOP + plotHeight() + 18,
              escape(categories.get(c))));
    }
    return legendAndClose(svg);
  }

  private int plotHeight() {
    return HEIGHT - TOP - BOTTOM;
  }

  private StringBuilder header() {
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    svg.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
            LEFT,
            escape(title)));
    return svg;
  }

  private void axes(StringBuilder svg, double max) {
    int bottom = TOP + plotHeight();
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            LEFT,
            TOP,
            LEFT,
            bottom));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            LEFT,
            bottom,
            WIDTH - RIGHT,
            bottom));
    for (int i = 0; i <= 4; i++) {
      double v = max * i / 4;
      double y = bottom - plotHeight() * i / 4.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
              LEFT,
              y,
              WIDTH - RIGHT,
              y));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
              LEFT - 6,
              y + 4,
              format(v)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"16\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n",
            TOP + plotHeight() / 2,
            TOP + plotHeight() / 2,
            escape(unit)));
  }

  private String legendAndClose(StringBuilder svg) {
    int x = LEFT;
    int s = 0;
    for (String name : series.keySet()) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
              x,
              HEIGHT - 26,
              COLORS[s % COLORS.length]));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
              x + 16,
              HEIGHT - 16,
              escape(name)));
      x += 24 + 8 * name.length();
      s++;
    }
    return svg.append("</svg>\n").toString();
  }

  private double niceMax() {
    double max =
        series.values().stream()
            .flatMap(List::stream)
            .mapToDouble(Double::doubleValue)
            .max()
            .orElse(1);
    if (max <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (m * magnitude >= max * 1.05) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return Math.abs(v) >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
