package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lambdaref.config.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench batch}: the whole raw -> t1 -> t2 -> t3 run for one day of generated events,
 * Spark (the platform's own jobs on {@code local[2]}) against DuckDB doing the same logical work on
 * the same files ({@link DuckDbBatchRun}). Each run is a fresh JVM, as a scheduler would start it;
 * the engines alternate (A B A B) so that a drift in the machine's state hits both; medians per
 * step. Every run's t3 tables, accounting and rejection reasons are compared with the first Spark
 * run's.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description =
        "Batch raw -> t3 for one day: Spark against DuckDB, side by side, per step; writes JSON.")
public final class BatchBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--events",
      split = ",",
      defaultValue = "1000000",
      description =
          "Distinct events per day, one size or several (comma-separated), e.g. 1000000,2000000,4000000,8000000.")
  List<Integer> sizes;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs per engine and size (default ${DEFAULT-VALUE}); the figures are medians.")
  int runs;

  @Option(
      names = "--places",
      defaultValue = "10000",
      description = "Distinct places (default ${DEFAULT-VALUE}).")
  int places;

  @Option(
      names = "--users",
      defaultValue = "200000",
      description = "Distinct users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--day",
      defaultValue = "2019-05-08",
      description = "The event day (default ${DEFAULT-VALUE}).")
  LocalDate day;

  @Option(
      names = "--zone",
      defaultValue = "UTC",
      description = "platform.timezone of both engines (default ${DEFAULT-VALUE}).")
  String zone;

  @Option(
      names = "--spark-heap",
      defaultValue = "4g",
      description = "-Xmx of the Spark JVM (default ${DEFAULT-VALUE}).")
  String sparkHeap;

  @Option(
      names = "--dir",
      defaultValue = "${sys:lambda.home:-.}/.lambda/bench/batch",
      description = "Where the data and the runs go (default .lambda/bench/batch).")
  Path dir;

  @Option(
      names = "--result",
      defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results/batch.json",
      description =
          "The JSON result (default docs/benchmarks/results/batch.json, which the report reads).")
  Path result;

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || sizes.stream().anyMatch(s -> s < 1)) {
      throw new IllegalArgumentException("--runs and every --events value must be at least 1");
    }
    Console console = Console.stdout();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "batch");
    out.put("started_at", Instant.now().toString());
    out.put("machine", Machine.describe());
    out.put(
        "settings",
        Map.of(
            "day",
            day.toString(),
            "zone",
            zone,
            "places",
            places,
            "users",
            users,
            "runs",
            runs,
            "order",
            "spark, duckdb, spark, duckdb, ... (each a fresh JVM)",
            "spark_master",
            "local[2]",
            "duckdb_threads",
            2));
    // sizes measured by earlier invocations stay (a long size can be run on its own); a size
    // measured again replaces its entry
    List<Map<String, Object>> results = earlierSizes();
    out.put("sizes", results);
    boolean allEqual = true;
    for (int size : sizes) {
      Map<String, Object> r = measure(size, console);
      results.removeIf(e -> ((Number) e.get("events_per_day")).intValue() == size);
      results.add(r);
      results.sort(Comparator.comparingInt(e -> ((Number) e.get("events_per_day")).intValue()));
      allEqual &= (Boolean) r.get("same_results");
      write(out);
    }
    out.put("load_average_at_end", Machine.loadAverage());
    write(out);
    console.line("result: %s", result);
    return allEqual ? 0 : 1;
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> earlierSizes() throws IOException {
    if (!Files.exists(result)) {
      return new ArrayList<>();
    }
    Map<String, Object> earlier = JSON.readValue(result.toFile(), LinkedHashMap.class);
    return new ArrayList<>((List<Map<String, Object>>) earlier.getOrDefault("sizes", List.of()));
  }

  private void write(Map<String, Object> out) throws IOException {
    Files.createDirectories(result.toAbsolutePath().getParent());
    Files.writeString(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
  }

  private Map<String, Object> measure(int size, Console console) throws Exception {
    Path data = prepare(size, console);
    List<Map<String, Object>> runResults = new ArrayList<>();
    Path reference = null;
    List<String> differences = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      for (String engine : List.of("spark", "duckdb")) {
        Path work = dir.resolve("runs").resolve(engine + "-" + size + "-" + run);
        Path check = dir.resolve("checks").resolve(engine + "-" + size + "-" + run);
        BenchData.delete(work);
        BenchData.delete(check);
        Map<String, Object> measured = runChild(engine, data, work, check);
        measured.put("run", run);
        runResults.add(measured);
        @SuppressWarnings("unchecked")
        Map<String, Object> steps = (Map<String, Object>) measured.get("steps");
        console.line(
            "  %,d events, run %d/%d, %-6s wall %,d ms, steps %s",
            size, run, runs, engine, measured.get("wall_ms"), steps);
        if (reference == null) {
          reference = check;
        } else {
          differences.addAll(BatchCheck.differences(reference, check));
        }
        BenchData.delete(work); // the next run starts from nothing, and the disk does not fill
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("events_per_day", size);
    r.put("measured_at", Instant.now().toString());
    r.put("load_average_after", Machine.loadAverage());
    r.put("raw_lines_read", ((Map<?, ?>) runResults.get(0).get("counts")).get("lines_read"));
    r.put("runs", runResults);
    Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
    for (String engine : List.of("spark", "duckdb")) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String step :
          List.of(
              "start_ms",
              "collect_ms",
              "snapshot_ms",
              "enrich_ms",
              "aggregate_ms",
              "total_ms",
              "wall_ms",
              "peak_rss_mb")) {
        List<Number> values =
            runResults.stream()
                .filter(x -> engine.equals(x.get("engine")))
                .map(
                    x ->
                        step.equals("wall_ms") || step.equals("peak_rss_mb")
                            ? (Number) x.get(step)
                            : (Number) ((Map<?, ?>) x.get("steps")).get(step))
                .toList();
        m.put(step, Stats.median(values));
      }
      medians.put(engine, m);
    }
    r.put("median", medians);
    Map<String, Double> ratio = new LinkedHashMap<>();
    medians
        .get("spark")
        .forEach((step, v) -> ratio.put(step, Stats.ratio(v, medians.get("duckdb").get(step))));
    r.put("ratio_spark_over_duckdb", ratio);
    long lines = ((Number) r.get("raw_lines_read")).longValue();
    r.put(
        "raw_lines_per_second",
        Map.of(
            "spark", Math.round(lines / (medians.get("spark").get("total_ms") / 1000.0)),
            "duckdb", Math.round(lines / (medians.get("duckdb").get("total_ms") / 1000.0))));
    r.put("same_results", differences.isEmpty());
    r.put("differences", differences);
    console.line(
        "  %,d events: Spark total %.1f s, DuckDB total %.1f s, ratio %.2f; same t3 numbers: %s",
        size,
        medians.get("spark").get("total_ms") / 1000,
        medians.get("duckdb").get("total_ms") / 1000,
        ratio.get("total_ms"),
        differences.isEmpty() ? "yes" : "NO " + differences);
    return r;
  }

  /** Generates the day once per size (seeded, so a rerun of the benchmark reads the same bytes). */
  private Path prepare(int size, Console console) throws Exception {
    return BenchData.prepare(
            dir.resolve("data-" + size + "-" + places + "-" + users),
            day,
            1,
            size,
            places,
            users,
            zone,
            console)
        .getParent();
  }

  private Map<String, Object> runChild(String engine, Path data, Path work, Path check)
      throws Exception {
    if (engine.equals("spark")) {
      return ChildJvm.run(
          SparkBatchRun.class,
          ChildJvm.sparkJvmArgs(sparkHeap),
          List.of(
              "--day",
              day.toString(),
              "--zone",
              zone,
              "--work-dir",
              work.toString(),
              "--datasource",
              data.resolve("datasource").toString(),
              "--check",
              check.toString()));
    }
    return ChildJvm.run(
        DuckDbBatchRun.class,
        List.of("-Xmx1g"),
        List.of(
            "--raw-source",
            data.resolve("datasource/place_event").toString(),
            "--dump-source",
            data.resolve("datasource/place_master").toString(),
            "--day",
            day.toString(),
            "--zone",
            zone,
            "--lateness",
            "PT6H",
            "--max-clock-skew",
            "PT10M",
            "--max-line-bytes",
            "1048576",
            "--out",
            work.toString(),
            "--check",
            check.toString(),
            "--threads",
            "2",
            "--memory-limit",
            "4GB"));
  }
}
