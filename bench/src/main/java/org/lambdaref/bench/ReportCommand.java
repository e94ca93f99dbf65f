package org.lambdaref.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench report}: turns the JSON results under {@code docs/benchmarks/results/} into the
 * generated blocks of {@code docs/benchmarks.md} (between {@code <!-- generated:NAME -->} and
 * {@code <!-- /generated:NAME -->}) and the SVG charts beside it. The prose around the blocks is
 * written by people and left as it is.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Regenerate the tables and charts of docs/benchmarks.md from docs/benchmarks/results/*.json.")
public final class ReportCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--docs", defaultValue = "${sys:lambda.home:-.}/docs",
      description = "The docs folder (default: the repository's docs/).")
  Path docs;

  @Override
  public Integer call() throws IOException {
    Path results = docs.resolve("benchmarks/results");
    Path report = docs.resolve("benchmarks.md");
    String text = Files.readString(report);
    Path batch = results.resolve("batch.json");
    if (Files.exists(batch)) {
      text = replaceBlock(text, "batch", batchBlock(JSON.readTree(batch.toFile()), docs.resolve("benchmarks")));
    }
    Path replay = results.resolve("replay.json");
    if (Files.exists(replay)) {
      text = replaceBlock(text, "replay", replayBlock(JSON.readTree(replay.toFile())));
    }
    Files.writeString(report, text);
    System.out.println("updated " + report);
    return 0;
  }

  /** Replaces the text between the block's markers; a report without the markers is an error, not a silent no-op. */
  static String replaceBlock(String text, String name, String content) {
    Pattern block = Pattern.compile("(<!-- generated:" + name + " -->\\n)(.*?)(<!-- /generated:" + name + " -->)", Pattern.DOTALL);
    Matcher m = block.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("docs/benchmarks.md has no <!-- generated:" + name + " --> ... <!-- /generated:"
          + name + " --> block; add the two marker lines where the " + name + " figures belong");
    }
    return text.substring(0, m.start(2)) + content + text.substring(m.end(2));
  }

  static String batchBlock(JsonNode result, Path chartDir) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append(machineLine(result)).append("\n\n");
    md.append("| events/day | raw lines | Spark total | DuckDB total | ratio | Spark lines/s | DuckDB lines/s | same t3 numbers |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    List<String> sizes = new ArrayList<>();
    List<Double> sparkTotals = new ArrayList<>();
    List<Double> duckTotals = new ArrayList<>();
    for (JsonNode size : result.get("sizes")) {
      JsonNode spark = size.get("median").get("spark");
      JsonNode duck = size.get("median").get("duckdb");
      md.append(String.format(Locale.ROOT, "| %,d | %,d | %.1f s | %.1f s | %.1f× | %,d | %,d | %s |%n",
          size.get("events_per_day").asLong(), size.get("raw_lines_read").asLong(), spark.get("total_ms").asDouble() / 1000,
          duck.get("total_ms").asDouble() / 1000, size.get("ratio_spark_over_duckdb").get("total_ms").asDouble(),
          size.get("raw_lines_per_second").get("spark").asLong(), size.get("raw_lines_per_second").get("duckdb").asLong(),
          size.get("same_results").asBoolean() ? "yes" : "**no**"));
      sizes.add(String.format(Locale.ROOT, "%.0fM", size.get("events_per_day").asDouble() / 1e6));
      sparkTotals.add(spark.get("total_ms").asDouble() / 1000);
      duckTotals.add(duck.get("total_ms").asDouble() / 1000);
    }
    JsonNode largest = result.get("sizes").get(result.get("sizes").size() - 1);
    md.append(String.format(Locale.ROOT, "%nPer step at %,d events/day (medians of %d runs each; start = JVM to first statement):%n%n",
        largest.get("events_per_day").asLong(), result.get("settings").get("runs").asInt()));
    md.append("| step | Spark | DuckDB | ratio |\n|---|---|---|---|\n");
    List<String> steps = List.of("start_ms", "collect_ms", "snapshot_ms", "enrich_ms", "aggregate_ms", "total_ms");
    List<Double> sparkSteps = new ArrayList<>();
    List<Double> duckSteps = new ArrayList<>();
    for (String step : steps) {
      double s = largest.get("median").get("spark").get(step).asDouble();
      double d = largest.get("median").get("duckdb").get(step).asDouble();
      md.append(String.format(Locale.ROOT, "| %s | %.2f s | %.2f s | %s |%n", step.replace("_ms", ""), s / 1000, d / 1000,
          d == 0 ? "-" : String.format(Locale.ROOT, "%.1f×", s / d)));
      if (!step.equals("total_ms")) {
        sparkSteps.add(s / 1000);
        duckSteps.add(d / 1000);
      }
    }
    md.append(String.format(Locale.ROOT, "%nPeak RSS: Spark %,.0f MB, DuckDB %,.0f MB.%n",
        largest.get("median").get("spark").get("peak_rss_mb").asDouble(),
        largest.get("median").get("duckdb").get("peak_rss_mb").asDouble()));
    Files.createDirectories(chartDir);
    Files.writeString(chartDir.resolve("batch-steps.svg"), SvgChart.of(String.format(Locale.ROOT,
            "Batch raw -> t3, one day, %,d events: seconds per step", largest.get("events_per_day").asLong()), "seconds",
        steps.subList(0, steps.size() - 1).stream().map(s -> s.replace("_ms", "")).toList())
        .series("Spark local[2] + Delta", sparkSteps).series("DuckDB 2 threads + Parquet", duckSteps).bars());
    Files.writeString(chartDir.resolve("batch-scaling.svg"), SvgChart.of("Batch raw -> t3: seconds against events per day",
            "seconds", sizes).series("Spark local[2] + Delta", sparkTotals).series("DuckDB 2 threads + Parquet", duckTotals)
        .lines());
    md.append("\n![per step](benchmarks/batch-steps.svg)\n\n![scaling](benchmarks/batch-scaling.svg)\n");
    return md.toString();
  }

  static String replayBlock(JsonNode result) {
    StringBuilder md = new StringBuilder();
    md.append(machineLine(result)).append("\n\n");
    md.append("| variant | periods | total | per period (median) | fixed cost per period |\n|---|---|---|---|---|\n");
    for (JsonNode v : result.get("variants")) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.1f s | %.2f s | %s |%n", v.get("name").asText(),
          v.get("periods").asInt(), v.get("total_ms").asDouble() / 1000, v.get("per_period_ms_median").asDouble() / 1000,
          v.has("fixed_cost_ms") ? String.format(Locale.ROOT, "%.2f s", v.get("fixed_cost_ms").asDouble() / 1000) : "-"));
    }
    if (result.has("speedup")) {
      md.append(String.format(Locale.ROOT, "%nOne application is %.1f× faster than separate launches.%n",
          result.get("speedup").asDouble()));
    }
    return md.toString();
  }

  private static String machineLine(JsonNode result) {
    JsonNode m = result.get("machine");
    return String.format(Locale.ROOT, "Measured %s on %d cores, %,d MB, %s; versions %s; load average at start %s.",
        result.get("started_at").asText().substring(0, 10), m.get("cores").asInt(), m.get("memory_mb").asLong(),
        m.get("jvm").asText(), m.get("versions").toString().replace("\"", ""), m.get("load_average_at_start"));
  }
}
