package org.lambdaref.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench report}: turns the JSON results under {@code docs/benchmarks/results/} into the
 * generated blocks of {@code docs/benchmarks.md} (between {@code <!-- generated:NAME -->} and
 * {@code <!-- /generated:NAME -->}) and the SVG charts beside it. The prose around the blocks is
 * written by people and left as it is.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Regenerate the tables and charts of docs/benchmarks.md from docs/benchmarks/results/*.json.")
public final class ReportCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--docs",
      defaultValue = "${sys:lambda.home:-.}/docs",
      description = "The docs folder (default: the repository's docs/).")
  Path docs;

  @Override
  public Integer call() throws IOException {
    Path results = docs.resolve("benchmarks/results");
    Path report = docs.resolve("benchmarks.md");
    String text = Files.readString(report);
    Path batch = results.resolve("batch.json");
    if (Files.exists(batch)) {
      text =
          replaceBlock(
              text, "batch", batchBlock(JSON.readTree(batch.toFile()), docs.resolve("benchmarks")));
    }
    Path replay = results.resolve("replay.json");
    if (Files.exists(replay)) {
      text = replaceBlock(text, "replay", replayBlock(JSON.readTree(replay.toFile())));
    }
    List<JsonNode> speed = readAll(results, "speed-");
    if (!speed.isEmpty()) {
      text = replaceBlock(text, "speed", speedBlock(speed, docs.resolve("benchmarks")));
    }
    Path counters = results.resolve("counters.json");
    if (Files.exists(counters)) {
      text = replaceBlock(text, "counters", countersBlock(JSON.readTree(counters.toFile())));
    }
    List<JsonNode> serve = readAll(results, "serve-");
    if (!serve.isEmpty()) {
      text = replaceBlock(text, "serve", serveBlock(serve));
    }
    Path older = results.resolve("lines/3.5");
    Path newer = results.resolve("lines/4.0");
    if (Files.isDirectory(older) && Files.isDirectory(newer)) {
      text = replaceBlock(text, "lines", LineComparison.block(older, newer));
    }
    Files.writeString(report, text);
    System.out.println("updated " + report);
    return 0;
  }

  /**
   * Replaces the text between the block's markers; a report without the markers is an error, not a
   * silent no-op.
   */
  static String replaceBlock(String text, String name, String content) {
    Pattern block =
        Pattern.compile(
            "(<!-- generated:" + name + " -->\\n)(.*?)(<!-- /generated:" + name + " -->)",
            Pattern.DOTALL);
    Matcher m = block.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException(
          "docs/benchmarks.md has no <!-- generated:"
              + name
              + " --> ... <!-- /generated:"
              + name
              + " --> block; add the two marker lines where the "
              + name
              + " figures belong");
    }
    return text.substring(0, m.start(2)) + content + text.substring(m.end(2));
  }

  static String batchBlock(JsonNode result, Path chartDir) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append(machineLine(result)).append("\n\n");
    md.append(
        "| events/day | raw lines | Spark total | DuckDB total | ratio | Spark lines/s | DuckDB lines/s | same t3 numbers |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    List<String> sizes = new ArrayList<>();
    List<Double> sparkTotals = new ArrayList<>();
    List<Double> duckTotals = new ArrayList<>();
    for (JsonNode size : result.get("sizes")) {
      JsonNode spark = size.get("median").get("spark");
      JsonNode duck = size.get("median").get("duckdb");
      md.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,d | %.1f s | %.1f s | %.1f× | %,d | %,d | %s |%n",
              size.get("events_per_day").asLong(),
              size.get("raw_lines_read").asLong(),
              spark.get("total_ms").asDouble() / 1000,
              duck.get("total_ms").asDouble() / 1000,
              size.get("ratio_spark_over_duckdb").get("total_ms").asDouble(),
              size.get("raw_lines_per_second").get("spark").asLong(),
              size.get("raw_lines_per_second").get("duckdb").asLong(),
              size.get("same_results").asBoolean() ? "yes" : "**no**"));
      sizes.add(String.format(Locale.ROOT, "%.0fM", size.get("events_per_day").asDouble() / 1e6));
      sparkTotals.add(spark.get("total_ms").asDouble() / 1000);
      duckTotals.add(duck.get("total_ms").asDouble() / 1000);
    }
    JsonNode largest = result.get("sizes").get(result.get("sizes").size() - 1);
    md.append(
        String.format(
            Locale.ROOT,
            "%nPer step at %,d events/day (medians of %d runs each; start = JVM to first statement):%n%n",
            largest.get("events_per_day").asLong(),
            result.get("settings").get("runs").asInt()));
    md.append("| step | Spark | DuckDB | ratio |\n|---|---|---|---|\n");
    List<String> steps =
        List.of("start_ms", "collect_ms", "snapshot_ms", "enrich_ms", "aggregate_ms", "total_ms");
    List<Double> sparkSteps = new ArrayList<>();
    List<Double> duckSteps = new ArrayList<>();
    for (String step : steps) {
      double s = largest.get("median").get("spark").get(step).asDouble();
      double d = largest.get("median").get("duckdb").get(step).asDouble();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f s | %.2f s | %s |%n",
              step.replace("_ms", ""),
              s / 1000,
              d / 1000,
              d == 0 ? "-" : String.format(Locale.ROOT, "%.1f×", s / d)));
      if (!step.equals("total_ms")) {
        sparkSteps.add(s / 1000);
        duckSteps.add(d / 1000);
      }
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nPeak RSS: Spark %,.0f MB, DuckDB %,.0f MB.%n",
            largest.get("median").get("spark").get("peak_rss_mb").asDouble(),
            largest.get("median").get("duckdb").get("peak_rss_mb").asDouble()));
    Files.createDirectories(chartDir);
    Files.writeString(
        chartDir.resolve("batch-steps.svg"),
        SvgChart.of(
                String.format(
                    Locale.ROOT,
                    "Batch raw -> t3, one day, %,d events: seconds per step",
                    largest.get("events_per_day").asLong()),
                "seconds",
                steps.subList(0, steps.size() - 1).stream().map(s -> s.replace("_ms", "")).toList())
            .series("Spark local[2] + Delta", sparkSteps)
            .series("DuckDB 2 threads + Parquet", duckSteps)
            .bars());
    Files.writeString(
        chartDir.resolve("batch-scaling.svg"),
        SvgChart.of("Batch raw -> t3: seconds against events per day", "seconds", sizes)
            .series("Spark local[2] + Delta", sparkTotals)
            .series("DuckDB 2 threads + Parquet", duckTotals)
            .lines());
    md.append(
        "\n![per step](benchmarks/batch-steps.svg)\n\n![scaling](benchmarks/batch-scaling.svg)\n");
    return md.toString();
  }

  static String replayBlock(JsonNode result) {
    StringBuilder md = new StringBuilder();
    md.append(machineLine(result)).append("\n\n");
    md.append("| variant | periods | total (wall) | per period |\n|---|---|---|---|\n");
    for (JsonNode v : result.get("variants")) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f s | %.2f s (%s) |%n",
              v.get("name").asText(),
              v.get("periods").asInt(),
              v.get("total_ms").asDouble() / 1000,
              v.get("per_period_ms").asDouble() / 1000,
              v.get("per_period_kind").asText()));
    }
    if (result.has("fixed_cost_ms_per_period")) {
      md.append(
          String.format(
              Locale.ROOT,
              "%nFixed cost per period inside one application: **%.2f s**.%n",
              result.get("fixed_cost_ms_per_period").asDouble() / 1000));
    }
    if (result.has("speedup_one_app_over_launches")) {
      md.append(
          String.format(
              Locale.ROOT,
              "One application is **%.1f×** faster than separate launches.%n",
              result.get("speedup_one_app_over_launches").asDouble()));
    }
    if (result.has("hourly_fixed_cost_ms_per_hour")) {
      md.append(
          String.format(
              Locale.ROOT,
              "A source cut into hours (`period = hour`) pays **%.2f s** an hour; a day costs"
                  + " **%.1f×** what it costs as one daily period.%n",
              result.get("hourly_fixed_cost_ms_per_hour").asDouble() / 1000,
              result.get("hourly_over_daily_per_day").asDouble()));
    }
    return md.toString();
  }

  /** 2.5 as "2.5", 10.0 as "10". */
  private static String trim(double ms) {
    return ms == Math.rint(ms) ? Long.toString((long) ms) : Double.toString(ms);
  }

  /** The result files starting with {@code prefix}, in order of their rate. */
  private static List<JsonNode> readAll(Path results, String prefix) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(results)) {
      for (Path f :
          files
              .filter(
                  f ->
                      f.getFileName().toString().startsWith(prefix)
                          && f.toString().endsWith(".json"))
              .sorted()
              .toList()) {
        out.add(JSON.readTree(f.toFile()));
      }
    }
    out.sort(Comparator.comparingDouble(n -> n.path("rate_target").asDouble()));
    return out;
  }

  static String speedBlock(List<JsonNode> runs, Path chartDir) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append(
        "| rate | sent/s | measured | counter p50 / p99 | hot row p50 / p99 | batch p50 | latency first → last third | lag max (1st / 2nd half) | sustained | counters exact | heap after full GC, start → end; RSS first → last third |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<String> rates = new ArrayList<>();
    List<Double> c50 = new ArrayList<>();
    List<Double> c99 = new ArrayList<>();
    List<Double> h99 = new ArrayList<>();
    for (JsonNode r : runs) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %,d/s | %,d | %d s | %.1f s / %.1f s | %.1f s / %.1f s | %.1f s | %.1f s → %.1f s | %,d / %,d | %s | %s | %s |%n",
              r.get("rate_target").asLong(),
              r.get("rate_sent").asLong(),
              r.get("measured_seconds").asInt(),
              r.get("counter_latency_ms_p50").asDouble() / 1000,
              r.get("counter_latency_ms_p99").asDouble() / 1000,
              r.get("hot_latency_ms_p50").asDouble() / 1000,
              r.get("hot_latency_ms_p99").asDouble() / 1000,
              r.get("batch_ms_p50").asDouble() / 1000,
              r.get("counter_latency_ms_first_third_p50").asDouble() / 1000,
              r.get("counter_latency_ms_last_third_p50").asDouble() / 1000,
              r.get("lag_first_half_max").asLong(),
              r.get("lag_second_half_max").asLong(),
              sustained(r) ? "yes" : "**no**",
              exactness(r),
              memory(r)));
      rates.add(String.format(Locale.ROOT, "%,d/s", r.get("rate_target").asLong()));
      c50.add(r.get("counter_latency_ms_p50").asDouble() / 1000);
      c99.add(r.get("counter_latency_ms_p99").asDouble() / 1000);
      h99.add(r.get("hot_latency_ms_p99").asDouble() / 1000);
    }
    Files.createDirectories(chartDir);
    Files.writeString(
        chartDir.resolve("speed-latency.svg"),
        SvgChart.of("Speed layer: produce -> visible, seconds", "seconds", rates)
            .series("counter p50", c50)
            .series("counter p99", c99)
            .series("hot row p99", h99)
            .bars());
    md.append("\n![speed latency](benchmarks/speed-latency.svg)\n");
    return md.toString();
  }

  /** Counted against sent, for runs that checked it (older result files did not). */
  static String exactness(JsonNode r) {
    if (!r.has("counters_exact")) {
      return "not checked";
    }
    return String.format(
        Locale.ROOT,
        "%s (%,d of %,d)",
        r.get("counters_exact").asBoolean() ? "yes" : "**no**",
        r.get("counters_counted").asLong(),
        r.get("counters_expected").asLong());
  }

  static String memory(JsonNode r) {
    if (!r.has("heap_after_full_gc_mb_start")) {
      return "not measured";
    }
    return String.format(
        Locale.ROOT,
        "%.0f → %.0f MB%s; RSS %.0f → %.0f MB",
        r.get("heap_after_full_gc_mb_start").asDouble(),
        r.get("heap_after_full_gc_mb_end").asDouble(),
        r.path("memory_flat").asBoolean(false) ? " (flat)" : " (**grew**)",
        r.path("rss_mb_first_third_p50").asDouble(),
        r.path("rss_mb_last_third_p50").asDouble());
  }

  /**
   * The rule SpeedBenchCommand applies: the last third's median within one trigger of the first
   * third's, and drained.
   */
  static boolean sustained(JsonNode r) {
    double trigger =
        Duration.parse("PT" + r.path("trigger").asText("5s").toUpperCase(Locale.ROOT)).toMillis();
    return r.path("drained").asBoolean(false)
        && r.get("counter_latency_ms_last_third_p50").asDouble()
            <= r.get("counter_latency_ms_first_third_p50").asDouble() + trigger;
  }

  static String serveBlock(List<JsonNode> runs) {
    StringBuilder md = new StringBuilder();
    md.append(
        "| query | asked | achieved | connections | cache TTL | TCP_NODELAY | p50 | p90 | p99 | p99.9 | max | inside the service p50 / p99 | errors / non-2xx | heap after GC (loaded / empty) |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode run : runs) {
      rows.add(run);
      if (run.has("nagle_peer")) {
        // the peer measured in the same run: the run's settings with the peer's figures
        ObjectNode peer = ((ObjectNode) run.deepCopy());
        peer.remove("nagle_peer");
        peer.setAll((ObjectNode) run.get("nagle_peer"));
        peer.put("tcp_nodelay", "off (peer, same run)");
        rows.add(peer);
      }
    }
    for (JsonNode r : rows) {
      String inside =
          r.has("server_latency_ms_p99_at_most")
              ? String.format(
                  Locale.ROOT,
                  "≤ %s ms / ≤ %s ms",
                  trim(r.get("server_latency_ms_p50_at_most").asDouble()),
                  trim(r.get("server_latency_ms_p99_at_most").asDouble()))
              : "not recorded";
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d/s | %,.0f/s | %d | %s | %s | %.0f ms | %.0f ms | %.0f ms | %s | %.0f ms | %s | %d / %d | %.0f MB / %.0f MB |%n",
              r.path("query_kind").asText("merged (6 batch days + today from DynamoDB)"),
              r.get("rate_target").asLong(),
              r.get("requests_per_second_mean").asDouble(),
              r.get("connections").asInt(),
              r.path("speed_cache_ttl").asText("1s"),
              // runs before the service set it had Nagle's algorithm on (the JDK default)
              r.path("tcp_nodelay").asText("off"),
              r.get("latency_ms_p50").asDouble(),
              r.get("latency_ms_p90").asDouble(),
              r.get("latency_ms_p99").asDouble(),
              r.has("latency_ms_p999")
                  ? String.format(Locale.ROOT, "%.0f ms", r.get("latency_ms_p999").asDouble())
                  : "-",
              r.get("latency_ms_max").asDouble(),
              inside,
              r.get("errors").asLong(),
              r.get("non_2xx").asLong(),
              r.get("heap_after_gc_mb_loaded_service").asDouble(),
              r.get("heap_after_gc_mb_empty_service").asDouble()));
    }
    return md.toString();
  }

  static String countersBlock(JsonNode result) {
    StringBuilder md = new StringBuilder();
    JsonNode settings = result.get("settings");
    md.append(machineLine(result))
        .append(
            String.format(
                Locale.ROOT,
                " Batches of %,d keys, %d concurrent writers, %d batches per way and round, %d rounds.%n%n",
                settings.get("keys_per_batch").asInt(),
                settings.get("writers").asInt(),
                settings.get("batches").asInt(),
                settings.get("runs").asInt()));
    md.append(
        "| way | per batch (median) | keys/s | time against plain | one batch replayed: time, keys counted twice |\n");
    md.append("|---|---|---|---|---|\n");
    for (JsonNode w : result.get("ways")) {
      JsonNode replay = w.get("replayed_batch");
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f ms | %,d | %.2f× | %.0f ms, %,d |%n",
              w.get("way").asText(),
              w.get("ms_per_batch_median").asDouble(),
              w.get("keys_per_second").asLong(),
              w.get("time_over_plain").asDouble(),
              replay.get("ms").asDouble(),
              replay.get("keys_double_counted").asLong()));
    }
    return md.toString();
  }

  private static String machineLine(JsonNode result) {
    JsonNode m = result.get("machine");
    return String.format(
        Locale.ROOT,
        "Measured %s on %d cores, %,d MB, %s; versions %s; load average at start %s.",
        result.get("started_at").asText().substring(0, 10),
        m.get("cores").asInt(),
        m.get("memory_mb").asLong(),
        m.get("jvm").asText(),
        m.get("versions").toString().replace("\"", ""),
        m.get("load_average_at_start"));
  }
}
