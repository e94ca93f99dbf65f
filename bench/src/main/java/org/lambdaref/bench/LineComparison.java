package org.lambdaref.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The same benchmarks run on two Spark lines, back to back on one machine ({@code
 * results/lines/<line>/}, each written by the usual commands with {@code --result}/{@code
 * --results}): one row per figure, the two values and the newer over the older.
 */
final class LineComparison {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A figure of one result file: the node it reads and how it is shown. */
  record Figure(
      String benchmark,
      String measure,
      String file,
      Function<JsonNode, JsonNode> pick,
      double divisor,
      String unit) {

    String format(JsonNode result) {
      JsonNode v = result == null ? MissingNode.getInstance() : pick.apply(result);
      if (v.isMissingNode() || v.isNull() || v.isNumber() && v.asDouble() < 0) {
        return "–"; // not in the file, or -1: the harness could not measure it
      }
      if (v.isBoolean()) {
        return v.asBoolean() ? "yes" : "**no**";
      }
      double x = v.asDouble() / divisor;
      return switch (unit) {
        case "×" -> String.format(Locale.ROOT, "%.2f×", x);
        case "/s" -> String.format(Locale.ROOT, "%,.0f/s", x);
        case "MB" -> String.format(Locale.ROOT, "%,.0f MB", x);
        default -> String.format(Locale.ROOT, "%.1f %s", x, unit);
      };
    }

    /** Newer over older, when both are numbers. */
    String ratio(JsonNode older, JsonNode newer) {
      if (older == null || newer == null) {
        return "–";
      }
      JsonNode a = pick.apply(older);
      JsonNode b = pick.apply(newer);
      if (!a.isNumber() || !b.isNumber() || a.asDouble() <= 0 || b.asDouble() < 0) {
        return "–";
      }
      return String.format(Locale.ROOT, "%.2f", b.asDouble() / a.asDouble());
    }
  }

  static final List<Figure> FIGURES =
      List.of(
          batch("Spark, raw → t3", "/median/spark/total_ms"),
          batch("collect", "/median/spark/collect_ms"),
          batch("enrich", "/median/spark/enrich_ms"),
          batch("aggregate", "/median/spark/aggregate_ms"),
          batch("DuckDB, the same work (control)", "/median/duckdb/total_ms"),
          new Figure(
              "batch, one day",
              "Spark over DuckDB",
              "batch.json",
              r -> r.at("/sizes/0/ratio_spark_over_duckdb/total_ms"),
              1,
              "×"),
          new Figure(
              "batch, one day",
              "same t3 numbers as DuckDB",
              "batch.json",
              r -> r.at("/sizes/0/same_results"),
              1,
              ""),
          new Figure(
              "batch, one day",
              "Spark peak RSS",
              "batch.json",
              r -> r.at("/sizes/0/median/spark/peak_rss_mb"),
              1,
              "MB"),
          new Figure(
              "replay",
              "one application, per period (mean)",
              "replay.json",
              r -> r.at("/variants/0/per_period_ms"),
              1000,
              "s"),
          new Figure(
              "replay",
              "fixed cost per period",
              "replay.json",
              r -> r.path("fixed_cost_ms_per_period"),
              1000,
              "s"),
          new Figure(
              "replay",
              "separate launches, per period (median)",
              "replay.json",
              r -> variantEndingWith(r, "separate launches").path("per_period_ms"),
              1000,
              "s"),
          new Figure(
              "replay",
              "one application over launches (speed-up)",
              "replay.json",
              r -> r.path("speedup_one_app_over_launches"),
              1,
              "×"),
          speed(5000, "counter readable p50", "counter_latency_ms_p50"),
          speed(5000, "counter readable p99", "counter_latency_ms_p99"),
          speed(5000, "hot row p99", "hot_latency_ms_p99"),
          speed(5000, "micro-batch p50", "batch_ms_p50"),
          new Figure(
              "speed, 5,000/s",
              "counters exact",
              "speed-5000.json",
              r -> r.path("counters_exact"),
              1,
              ""),
          speed(20000, "counter readable p50", "counter_latency_ms_p50"),
          speed(20000, "counter readable p99", "counter_latency_ms_p99"),
          speed(20000, "hot row p99", "hot_latency_ms_p99"),
          speed(20000, "micro-batch p50", "batch_ms_p50"),
          new Figure(
              "speed, 20,000/s",
              "sustained (flat lag)",
              "speed-20000.json",
              r -> r.path("sustained"),
              1,
              ""),
          new Figure(
              "speed, 20,000/s",
              "speed JVM heap after a full GC, start of window",
              "speed-20000.json",
              r -> r.path("heap_after_full_gc_mb_start"),
              1,
              "MB"),
          new Figure(
              "speed, 20,000/s",
              "speed JVM heap after a full GC, end of window",
              "speed-20000.json",
              r -> r.path("heap_after_full_gc_mb_end"),
              1,
              "MB"),
          new Figure(
              "speed, 20,000/s",
              "speed JVM RSS, last third (median)",
              "speed-20000.json",
              r -> r.path("rss_mb_last_third_p50"),
              1,
              "MB"),
          new Figure(
              "speed, 20,000/s",
              "counters exact",
              "speed-20000.json",
              r -> r.path("counters_exact"),
              1,
              ""),
          new Figure(
              "serving, 1,000 req/s",
              "achieved",
              "serve-1000.json",
              r -> r.path("requests_per_second_mean"),
              1,
              "/s"),
          new Figure(
              "serving, 1,000 req/s",
              "client p50",
              "serve-1000.json",
              r -> r.path("latency_ms_p50"),
              1,
              "ms"),
          new Figure(
              "serving, 1,000 req/s",
              "client p99",
              "serve-1000.json",
              r -> r.path("latency_ms_p99"),
              1,
              "ms"),
          new Figure(
              "serving, 1,000 req/s",
              "batch view load (Delta Kernel)",
              "serve-1000.json",
              r -> r.path("batch_view_load_ms"),
              1000,
              "s"),
          new Figure(
              "serving, 1,000 req/s",
              "heap after GC, view loaded",
              "serve-1000.json",
              r -> r.path("heap_after_gc_mb_loaded_service"),
              1,
              "MB"));

  private LineComparison() {}

  private static Figure batch(String measure, String pointer) {
    return new Figure(
        "batch, one day", measure, "batch.json", r -> r.at("/sizes/0" + pointer), 1000, "s");
  }

  private static Figure speed(int rate, String measure, String field) {
    return new Figure(
        String.format(Locale.ROOT, "speed, %,d/s", rate),
        measure,
        "speed-" + rate + ".json",
        r -> r.path(field),
        1000,
        "s");
  }

  private static JsonNode variantEndingWith(JsonNode replay, String suffix) {
    for (JsonNode v : replay.path("variants")) {
      if (v.path("name").asText().endsWith(suffix)) {
        return v;
      }
    }
    return MissingNode.getInstance();
  }

  /**
   * The table for {@code older} against {@code newer} (each a folder of result files, named by its
   * line).
   */
  static String block(Path older, Path newer) throws IOException {
    Map<String, JsonNode> a = read(older);
    Map<String, JsonNode> b = read(newer);
    String oldName = older.getFileName().toString();
    String newName = newer.getFileName().toString();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT, "Spark %s: %s%n%nSpark %s: %s%n%n", oldName, runs(a), newName, runs(b)));
    md.append(
        String.format(
            Locale.ROOT,
            "| benchmark | measure | Spark %s | Spark %s | %s / %s |%n",
            oldName,
            newName,
            newName,
            oldName));
    md.append("|---|---|---|---|---|\n");
    for (Figure f : FIGURES) {
      if (!a.containsKey(f.file()) && !b.containsKey(f.file())) {
        continue;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s |%n",
              f.benchmark(),
              f.measure(),
              f.format(a.get(f.file())),
              f.format(b.get(f.file())),
              f.ratio(a.get(f.file()), b.get(f.file()))));
    }
    return md.toString();
  }

  /** When each result file was measured and with which versions, from the files themselves. */
  private static String runs(Map<String, JsonNode> results) {
    StringBuilder s = new StringBuilder();
    JsonNode versions = null;
    for (Map.Entry<String, JsonNode> e : results.entrySet()) {
      String started =
          e.getValue()
              .path("started_at")
              .asText(e.getValue().path("machine").path("started_at").asText(""));
      s.append(s.length() == 0 ? "" : "; ")
          .append(e.getKey())
          .append(
              started.length() >= 16
                  ? " at " + started.substring(0, 16).replace('T', ' ') + " UTC"
                  : "");
      versions = versions == null ? e.getValue().path("machine").path("versions") : versions;
    }
    return (versions == null ? "" : "versions " + versions.toString().replace("\"", "") + "; ") + s;
  }

  private static Map<String, JsonNode> read(Path dir) throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String file : FIGURES.stream().map(Figure::file).distinct().toList()) {
      Path f = dir.resolve(file);
      if (Files.exists(f)) {
        out.put(file, JSON.readTree(f.toFile()));
      }
    }
    return out;
  }
}
