package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.lambdaref.cli.LambdaCli;
import org.lambdaref.config.Console;
import org.lambdaref.localstack.SparkJvm;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.generator.PlaceMaster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench batch}: the whole raw -> t1 -> t2 -> t3 run for one day of generated events, Spark
 * (the platform's own jobs on {@code local[2]}) against DuckDB doing the same logical work on the
 * same files ({@link DuckDbBatchRun}). Each run is a fresh JVM, as a scheduler would start it; the
 * engines alternate (A B A B) so that a drift in the machine's state hits both; medians per step.
 * Every run's t3 tables, accounting and rejection reasons are compared with the first Spark run's.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = "Batch raw -> t3 for one day: Spark against DuckDB, side by side, per step; writes JSON.")
public final class BatchBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--events", split = ",", defaultValue = "1000000",
      description = "Distinct events per day, one size or several (comma-separated), e.g. 1000000,2000000,4000000,8000000.")
  List<Integer> sizes;

  @Option(names = "--runs", defaultValue = "3", description = "Runs per engine and size (default ${DEFAULT-VALUE}); the figures are medians.")
  int runs;

  @Option(names = "--places", defaultValue = "10000", description = "Distinct places (default ${DEFAULT-VALUE}).")
  int places;

  @Option(names = "--users", defaultValue = "200000", description = "Distinct users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--day", defaultValue = "2019-05-08", description = "The event day (default ${DEFAULT-VALUE}).")
  LocalDate day;

  @Option(names = "--zone", defaultValue = "UTC", description = "platform.timezone of both engines (default ${DEFAULT-VALUE}).")
  String zone;

  @Option(names = "--spark-heap", defaultValue = "4g", description = "-Xmx of the Spark JVM (default ${DEFAULT-VALUE}).")
  String sparkHeap;

  @Option(names = "--dir", defaultValue = "${sys:lambda.home:-.}/.lambda/bench/batch",
      description = "Where the data and the runs go (default .lambda/bench/batch).")
  Path dir;

  @Option(names = "--result", defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results/batch.json",
      description = "The JSON result (default docs/benchmarks/results/batch.json, which the report reads).")
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
    out.put("settings", Map.of("day", day.toString(), "zone", zone, "places", places, "users", users, "runs", runs,
        "order", "spark, duckdb, spark, duckdb, ... (each a fresh JVM)", "spark_master", "local[2]", "duckdb_threads", 2));
    List<Map<String, Object>> results = new ArrayList<>();
    out.put("sizes", results);
    boolean allEqual = true;
    for (int size : sizes) {
      Map<String, Object> r = measure(size, console);
      results.add(r);
      allEqual &= (Boolean) r.get("same_results");
      write(out);
    }
    out.put("load_average_at_end", Machine.loadAverage());
    write(out);
    console.line("result: %s", result);
    return allEqual ? 0 : 1;
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
        delete(work);
        delete(check);
        Map<String, Object> measured = runChild(engine, data, work, check);
        measured.put("run", run);
        runResults.add(measured);
        @SuppressWarnings("unchecked")
        Map<String, Object> steps = (Map<String, Object>) measured.get("steps");
        console.line("  %,d events, run %d/%d, %-6s wall %,d ms, steps %s", size, run, runs, engine,
            measured.get("wall_ms"), steps);
        if (reference == null) {
          reference = check;
        } else {
          differences.addAll(BatchCheck.differences(reference, check));
        }
        delete(work); // the next run starts from nothing, and the disk does not fill
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("events_per_day", size);
    r.put("raw_lines_read", ((Map<?, ?>) runResults.get(0).get("counts")).get("lines_read"));
    r.put("runs", runResults);
    Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
    for (String engine : List.of("spark", "duckdb")) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String step : List.of("start_ms", "collect_ms", "snapshot_ms", "enrich_ms", "aggregate_ms", "total_ms", "wall_ms",
          "peak_rss_mb")) {
        List<Number> values = runResults.stream().filter(x -> engine.equals(x.get("engine")))
            .map(x -> step.equals("wall_ms") || step.equals("peak_rss_mb") ? (Number) x.get(step)
                : (Number) ((Map<?, ?>) x.get("steps")).get(step))
            .toList();
        m.put(step, Stats.median(values));
      }
      medians.put(engine, m);
    }
    r.put("median", medians);
    Map<String, Double> ratio = new LinkedHashMap<>();
    medians.get("spark").forEach((step, v) -> ratio.put(step, Stats.ratio(v, medians.get("duckdb").get(step))));
    r.put("ratio_spark_over_duckdb", ratio);
    long lines = ((Number) r.get("raw_lines_read")).longValue();
    r.put("raw_lines_per_second", Map.of(
        "spark", Math.round(lines / (medians.get("spark").get("total_ms") / 1000.0)),
        "duckdb", Math.round(lines / (medians.get("duckdb").get("total_ms") / 1000.0))));
    r.put("same_results", differences.isEmpty());
    r.put("differences", differences);
    console.line("  %,d events: Spark total %.1f s, DuckDB total %.1f s, ratio %.2f; same t3 numbers: %s", size,
        medians.get("spark").get("total_ms") / 1000, medians.get("duckdb").get("total_ms") / 1000,
        ratio.get("total_ms"), differences.isEmpty() ? "yes" : "NO " + differences);
    return r;
  }

  /** Generates the day once per size (seeded, so a rerun of the benchmark reads the same bytes). */
  private Path prepare(int size, Console console) throws Exception {
    Path data = dir.resolve("data-" + size + "-" + places + "-" + users).toAbsolutePath();
    Path done = data.resolve(".complete");
    if (Files.exists(done)) {
      return data;
    }
    delete(data);
    console.line("generating %,d events for %s into %s", size, day, data);
    int code = LambdaCli.commandLine().execute("generate", "--conf", "platform.storage.datasource=" + data.resolve("datasource"),
        "--conf", "platform.timezone=" + zone, "--start-date", day.toString(), "--days", "1",
        "--events-per-day", Integer.toString(size), "--places", Integer.toString(places),
        "--users", Integer.toString(users), "--replace");
    if (code != 0) {
      throw new IllegalStateException("generating the benchmark data failed (exit " + code + ")");
    }
    writePlaceMasterDump(data.resolve("datasource").resolve("place_master")
        .resolve(Partitions.DAY_COLUMN + "=" + Partitions.day(day)));
    Files.writeString(done, Instant.now().toString());
    return data;
  }

  /** The place master as a nightly dump would leave it: one Parquet file in the day's folder. */
  private void writePlaceMasterDump(Path folder) throws Exception {
    Files.createDirectories(folder);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE place (place_id VARCHAR, name VARCHAR, category VARCHAR, region VARCHAR,"
          + " seller_id VARCHAR, updated_at TIMESTAMPTZ)");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO place VALUES (?, ?, ?, ?, ?, to_timestamp(?))")) {
        for (PlaceMaster.Place p : PlaceMaster.places(places, 50, 7L)) {
          insert.setString(1, p.placeId());
          insert.setString(2, p.name());
          insert.setString(3, p.category());
          insert.setString(4, p.region());
          insert.setString(5, p.sellerId());
          insert.setLong(6, p.updatedAt().getEpochSecond());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      s.execute("COPY place TO '" + folder.resolve("part-00000.parquet").toString().replace("'", "''") + "' (FORMAT parquet)");
    }
  }

  private Map<String, Object> runChild(String engine, Path data, Path work, Path check) throws Exception {
    List<String> command;
    List<String> args;
    if (engine.equals("spark")) {
      command = SparkJvm.command(System.getProperty("java.class.path"), SparkBatchRun.class.getName(),
          "-Xmx" + sparkHeap, "-XX:+UseParallelGC", "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1");
      args = List.of("--day", day.toString(), "--zone", zone, "--work-dir", work.toString(),
          "--datasource", data.resolve("datasource").toString(), "--check", check.toString());
    } else {
      command = SparkJvm.command(System.getProperty("java.class.path"), DuckDbBatchRun.class.getName(), "-Xmx1g");
      args = List.of("--raw-source", data.resolve("datasource/place_event").toString(),
          "--dump-source", data.resolve("datasource/place_master").toString(), "--day", day.toString(), "--zone", zone,
          "--lateness", "PT6H", "--max-clock-skew", "PT10M", "--max-line-bytes", "1048576",
          "--out", work.toString(), "--check", check.toString(), "--threads", "2", "--memory-limit", "4GB");
    }
    List<String> full = new ArrayList<>(command);
    full.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long started = System.nanoTime();
    Process p = pb.start();
    String resultLine = null;
    List<String> tail = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          resultLine = line.substring("RESULT ".length());
        } else {
          tail.add(line);
          if (tail.size() > 30) {
            tail.remove(0);
          }
        }
      }
    }
    int code = p.waitFor();
    long wall = (System.nanoTime() - started) / 1_000_000;
    if (code != 0 || resultLine == null) {
      throw new IllegalStateException("the " + engine + " run failed (exit " + code + "); its last output:\n"
          + String.join("\n", tail));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> measured = JSON.readValue(resultLine, LinkedHashMap.class);
    measured.put("wall_ms", wall);
    return measured;
  }

  static void delete(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
