package org.lambdaref.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.Lake;
import org.lambdaref.batch.Ledger;
import org.lambdaref.cli.LocalProvisioning;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.speed.SpeedMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the serving layer as a user runs it ({@code bin/lambda serve} in its own JVM): a batch
 * view of {@code --places} × {@code --days} (every place, action and hour filled: the densest
 * case), counters for today in DynamoDB Local, then a steady {@code --rate} of 7-day hourly merged
 * queries from autocannon (an open-model load tool, installed from npm on first use) on loopback.
 * Reports latency percentiles and throughput, and the service's heap after a full GC, next to an
 * identical service with no batch view, started in the same run. {@code bin/bench serve}: the
 * figures are published with the machine they were measured on; the run's own files stay under
 * {@code <work-dir>/bench/serve_<ms>}.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serving latency at a fixed request rate on the local stack ('bin/lambda local up' first): latency,"
            + " throughput, memory; publishes results/serve-<rate>.json.")
final class ServeBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTOCANNON_VERSION = "9.0.0";

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--places",
      defaultValue = "10000",
      description = "Places in the batch view (default ${DEFAULT-VALUE}).")
  int places;

  @Option(
      names = "--days",
      defaultValue = "30",
      description = "Closed days in the batch view (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--counter-places",
      defaultValue = "1000",
      description = "Places with counters today (default ${DEFAULT-VALUE}).")
  int counterPlaces;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Requests per second (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "Concurrent connections (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "Measured time (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--warmup",
      defaultValue = "15s",
      description = "Load before measuring (default ${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = "--batch-only",
      negatable = false,
      description =
          "Ask for the 7 closed days before today instead (no DynamoDB read): the service's own cost, side by side.")
  boolean batchOnly;

  @Option(
      names = "--nagle-peer",
      negatable = false,
      description =
          "Also measure, in the same run and on the same batch view, a service with Nagle's algorithm on"
              + " (-Dsun.net.httpserver.nodelay=false, the JDK default): the cost of TCP_NODELAY off, side by side.")
  boolean naglePeer;

  @Option(
      names = "--results",
      defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results",
      description = "Where to publish.")
  Path results;

  @Option(
      names = "--label",
      description =
          "Suffix of the result file, for a variant of the same rate (serve-<rate>-<label>.json).")
  String label;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> machine =
        Machine.describe(); // before the run: its load average is the one at the start
    run()
        .publish(
            results.resolve("serve-" + rate + (label == null ? "" : "-" + label) + ".json"),
            machine);
    return 0;
  }

  /**
   * One run: a batch view and counters of its own, then the load; its files stay in the result's
   * folder.
   */
  LayerBenchResult run() throws Exception {
    Duration measure = SpeedMain.parseDurationOption("--duration", duration);
    Duration warm = SpeedMain.parseDurationOption("--warmup", warmup);
    String name = "serve_" + System.currentTimeMillis();
    PlatformConfig base = configOptions.load();
    Path dir = base.workDir().resolve("bench").resolve(name);
    Files.createDirectories(dir);
    Map<String, String> overrides = new LinkedHashMap<>(configOptions.overrides());
    overrides.put("platform.storage.root", dir.resolve("lake").toString());
    overrides.put("platform.dynamodb.counters-table", name);
    PlatformConfig config = configOptions.load(overrides);
    Console console = Console.stdout();
    Path autocannon =
        console.step(
            "autocannon " + AUTOCANNON_VERSION + " (npm)", () -> installAutocannon(base.workDir()));

    LocalDate today = LocalDate.now(config.timezone());
    LocalDate first = today.minusDays(days);
    long rows =
        console.step(
            "writing the batch view: "
                + places
                + " places x "
                + days
                + " days x 24 hours x 2 actions",
            () -> writeBatchView(config, first));
    long counters =
        console.step(
            "writing today's counters for " + counterPlaces + " places to DynamoDB",
            () -> writeCounters(config, today));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("places", places);
    result.put("days", days);
    result.put("hourly_rows", rows);
    result.put("counters_today", counters);
    Map<String, String> emptyOverrides = new LinkedHashMap<>(overrides);
    emptyOverrides.put("platform.storage.root", dir.resolve("empty-lake").toString());
    try (Service empty =
        Service.start(
            emptyOverrides, dir.resolve("serve-empty.log"), configOptions.env(), SERVICE_JVM)) {
      result.put("heap_after_gc_mb_empty_service", empty.heapAfterGcMb());
      result.put("rss_mb_empty_service", empty.rssMb());
    }
    // merged: 6 batch days and today from DynamoDB; batch only: the 7 closed days before today
    String from = today.minusDays(batchOnly ? 7 : 6).toString();
    String to = (batchOnly ? today : today.plusDays(1)).toString();
    result.put(
        "query",
        "GET /v1/places/p-N/actions/{impression|click}?from="
            + from
            + "&to="
            + to
            + "&granularity=hour");
    result.put(
        "query_kind",
        batchOnly ? "batch only (7 closed days)" : "merged (6 batch days + today from DynamoDB)");
    result.put("speed_cache_ttl", config.serving().speedCacheTtl().toMillis() + "ms");
    result.put("rate_target", rate);
    result.put("connections", connections);
    result.put("measured_seconds", measure.toSeconds());
    try (Service service =
        Service.start(overrides, dir.resolve("serve.log"), configOptions.env(), SERVICE_JVM)) {
      result.put("batch_view_load_ms", service.loadMs());
      result.put("heap_after_gc_mb_loaded_service", service.heapAfterGcMb());
      result.put("rss_mb_loaded_service", service.rssMb());
      result.put("tcp_nodelay", "on");
      result.putAll(
          measured(service, autocannon, warm, measure, from, to, config, dir, "", console));
    }
    if (naglePeer) {
      // the same view and counters, the same load, one service after the other on the same
      // machine: only the socket option differs
      try (Service peer =
          Service.start(
              overrides,
              dir.resolve("serve-nagle.log"),
              configOptions.env(),
              SERVICE_JVM + " -Dsun.net.httpserver.nodelay=false")) {
        Map<String, Object> p =
            new LinkedHashMap<>(
                measured(
                    peer, autocannon, warm, measure, from, to, config, dir, "-nagle", console));
        p.put("tcp_nodelay", "off");
        result.put("nagle_peer", p);
      }
    }
    Files.writeString(
        dir.resolve("result.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    result.forEach((k, v) -> console.line("  %-34s %s", k, v));
    console.line("result: %s", dir.resolve("result.json"));
    return new LayerBenchResult(dir, result);
  }

  /** The JVM options of a measured service: the JIT's full tiers, a 2 GB heap. */
  private static final String SERVICE_JVM = "-Xmx2g -XX:+UseParallelGC";

  /**
   * Warm-up, then the measured load against {@code service}: the client's and the service's view.
   */
  private Map<String, Object> measured(
      Service service,
      Path autocannon,
      Duration warm,
      Duration measure,
      String from,
      String to,
      PlatformConfig config,
      Path dir,
      String suffix,
      Console console)
      throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    console.step(
        "warm-up: " + rate + " requests/s for " + warm.toSeconds() + " s",
        () -> load(autocannon, service.port, rate, warm, from, to, config));
    String metricsBefore = service.get("/metrics");
    JsonNode r =
        console.step(
            "measuring: "
                + rate
                + " requests/s for "
                + measure.toSeconds()
                + " s (7-day hourly merged queries)",
            () -> load(autocannon, service.port, rate, measure, from, to, config));
    String metricsAfter = service.get("/metrics");
    Files.writeString(dir.resolve("autocannon" + suffix + ".json"), r.toString());
    result.put("requests_per_second_mean", r.path("requests").path("average").asDouble());
    result.put("requests_total", r.path("requests").path("total").asLong());
    result.put("latency_ms_p50", r.path("latency").path("p50").asDouble());
    result.put("latency_ms_p90", r.path("latency").path("p90").asDouble());
    result.put("latency_ms_p99", r.path("latency").path("p99").asDouble());
    result.put("latency_ms_p999", r.path("latency").path("p99_9").asDouble());
    result.put("latency_ms_max", r.path("latency").path("max").asDouble());
    // the service's own view of the same requests: time inside the handler, without the load
    // generator's queueing; bucket upper bounds of its latency histogram
    Map<String, Double> inside = serverQuantiles(metricsBefore, metricsAfter, 0.5, 0.99, 0.999);
    result.put("server_latency_ms_p50_at_most", inside.get("0.5"));
    result.put("server_latency_ms_p99_at_most", inside.get("0.99"));
    result.put("server_latency_ms_p999_at_most", inside.get("0.999"));
    result.put("non_2xx", r.path("non2xx").asLong());
    result.put("errors", r.path("errors").asLong());
    result.put("timeouts", r.path("timeouts").asLong());
    String metrics = service.get("/metrics");
    result.put("dynamodb_reads", metric(metrics, "lambda_serving_speed_reads_total"));
    result.put("speed_cache_hits", metric(metrics, "lambda_serving_speed_cache_hits_total"));
    result.put(
        "dynamodb_read_failures", metric(metrics, "lambda_serving_speed_read_failures_total"));
    result.put("stale_answers", metric(metrics, "lambda_serving_stale_answers_total"));
    return result;
  }

  /** Every place, action and hour of each day, with 1..20 events: written in one Spark job. */
  private long writeBatchView(PlatformConfig config, LocalDate first) {
    SparkSession spark = SparkSessions.getOrCreate(config, "BenchServe");
    Lake lake = new Lake(spark, config);
    long perDay = (long) places * 48;
    Dataset<Row> hourly =
        spark
            .range(0, perDay * days)
            .withColumn("day_index", col("id").divide(perDay).cast("int"))
            .withColumn("place_id", concat(lit("p-"), col("id").mod(places)))
            .withColumn(
                "action",
                when(col("id").divide(places).cast("long").mod(2).equalTo(0), "impression")
                    .otherwise("click"))
            .withColumn("events", pmod(hash(col("id")), lit(20)).plus(1).cast("long"))
            .withColumn(
                Partitions.DAY_COLUMN,
                date_format(
                    date_add(lit(first.toString()).cast("date"), col("day_index")), "yyyyMMdd"))
            .withColumn(
                Partitions.HOUR_COLUMN,
                lpad(col("id").divide(places * 2L).cast("long").mod(24).cast("string"), 2, "0"))
            // no hour_start, as tables written before it: the view takes each local hour's first
            // instant
            .withColumn(Columns.HOUR_START.name(), lit(null).cast("timestamp"));
    SparkSchemas.project(hourly, PlatformTables.PLACE_ACTION_1H)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .partitionBy(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN)
        .save(lake.location(PlatformTables.PLACE_ACTION_1H));
    Dataset<Row> daily =
        spark
            .range(0, (long) places * days)
            .withColumn("place_id", concat(lit("p-"), col("id").mod(places)))
            .withColumn("impressions", pmod(hash(col("id")), lit(300)).cast("long"))
            .withColumn("clicks", pmod(hash(col("id"), lit(1)), lit(30)).cast("long"))
            .withColumn("unique_users", pmod(hash(col("id"), lit(2)), lit(200)).cast("long"))
            .withColumn(
                Partitions.DAY_COLUMN,
                date_format(
                    date_add(
                        lit(first.toString()).cast("date"), col("id").divide(places).cast("int")),
                    "yyyyMMdd"));
    SparkSchemas.project(daily, PlatformTables.PLACE_IMPRESSION_1D)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .partitionBy(Partitions.DAY_COLUMN)
        .save(lake.location(PlatformTables.PLACE_IMPRESSION_1D));
    Ledger ledger = new Ledger(lake);
    for (int d = 0; d < days; d++) {
      ledger.record(
          BatchCoverage.AGGREGATE_JOB,
          lake.config().eventSource().name(),
          Partitions.day(first.plusDays(d)),
          () -> Ledger.Entry.rows(perDay, Map.of()));
    }
    return perDay * days;
  }

  private long writeCounters(PlatformConfig config, LocalDate today) {
    LocalProvisioning.createCountersTable(config);
    Instant start = today.atStartOfDay(config.timezone()).toInstant();
    Instant now = ZonedDateTime.now(config.timezone()).toInstant().truncatedTo(ChronoUnit.HOURS);
    List<CounterStore.Delta> deltas = new ArrayList<>();
    for (int p = 0; p < counterPlaces; p++) {
      for (Instant h = start; !h.isAfter(now); h = h.plus(1, ChronoUnit.HOURS)) {
        deltas.add(new CounterStore.Delta("p-" + p, "impression", h, 1 + p % 7));
        deltas.add(new CounterStore.Delta("p-" + p, "click", h, 1 + p % 3));
      }
    }
    try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 8)) {
      store.add(deltas, "bench", 0);
    }
    return deltas.size();
  }

  private JsonNode load(
      Path autocannon,
      int port,
      int requestsPerSecond,
      Duration length,
      String from,
      String to,
      PlatformConfig config) {
    try {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "node",
                  Path.of(System.getProperty("lambda.home", "."), "tools", "serve-load.js")
                      .toString(),
                  "http://127.0.0.1:" + port,
                  Integer.toString(requestsPerSecond),
                  Long.toString(length.toSeconds()),
                  Integer.toString(connections),
                  Integer.toString(places),
                  from,
                  to));
      if (config.serving().authRequired()) {
        command.add(config.serving().authToken());
      }
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().put("AUTOCANNON_HOME", autocannon.toString());
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("autocannon failed (exit " + p.exitValue() + ")");
      }
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path installAutocannon(Path workDir) {
    Path home = workDir.resolve("tools").resolve("autocannon-" + AUTOCANNON_VERSION);
    if (Files.isDirectory(home.resolve("node_modules").resolve("autocannon"))) {
      return home;
    }
    try {
      Files.createDirectories(home);
      Process p =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--silent",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  home.toString(),
                  "autocannon@" + AUTOCANNON_VERSION)
              .inheritIO()
              .start();
      if (p.waitFor() != 0) {
        throw new PlatformException(
            "Could not install autocannon " + AUTOCANNON_VERSION,
            "npm exited with " + p.exitValue(),
            "check that node and npm are installed and the npm registry is reachable");
      }
      return home;
    } catch (IOException e) {
      throw new PlatformException(
          "Could not run npm to install autocannon",
          e.getMessage(),
          "install Node.js 18+ with npm (apt-get install nodejs npm)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Quantiles of the requests served between two scrapes of the service's latency histogram, as the
   * upper bound (ms) of the bucket each quantile falls in.
   */
  static Map<String, Double> serverQuantiles(String before, String after, double... quantiles) {
    TreeMap<Double, Double> counts = new TreeMap<>();
    bucketCounts(after).forEach((le, n) -> counts.merge(le, n, Double::sum));
    bucketCounts(before).forEach((le, n) -> counts.merge(le, -n, Double::sum));
    double total = counts.isEmpty() ? 0 : counts.lastEntry().getValue();
    Map<String, Double> out = new LinkedHashMap<>();
    for (double q : quantiles) {
      Double bound = null;
      for (Map.Entry<Double, Double> e : counts.entrySet()) {
        if (total > 0 && e.getValue() >= q * total) {
          bound = e.getKey();
          break;
        }
      }
      out.put(
          Double.toString(q),
          bound == null ? -1 : (bound.isInfinite() ? Double.POSITIVE_INFINITY : bound * 1000));
    }
    return out;
  }

  /** Cumulative counts per upper bound, summed over routes and statuses. */
  private static Map<Double, Double> bucketCounts(String metrics) {
    Map<Double, Double> out = new TreeMap<>();
    Pattern bucket =
        Pattern.compile(
            "^lambda_serving_request_duration_seconds_bucket\\{.*le=\"([^\"]+)\".*\\} ([0-9.eE+]+)");
    metrics
        .lines()
        .map(bucket::matcher)
        .filter(Matcher::find)
        .forEach(
            m ->
                out.merge(
                    m.group(1).equals("+Inf")
                        ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(m.group(1)),
                    Double.parseDouble(m.group(2)),
                    Double::sum));
    return out;
  }

  private static double metric(String text, String name) {
    return text.lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** A {@code bin/lambda serve} JVM of its own. */
  private static final class Service implements AutoCloseable {
    final Process process;
    final int port;
    final Path log;

    private Service(Process process, int port, Path log) {
      this.process = process;
      this.port = port;
      this.log = log;
    }

    static Service start(Map<String, String> overrides, Path log, String env, String javaOptions)
        throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("lambda.home", "."), "bin", "lambda").toString(),
                  "serve",
                  "--env",
                  env,
                  "--port",
                  Integer.toString(port)));
      overrides.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // a service JVM: the JIT's full tiers (the CLI's default flags favour short commands)
      pb.environment().put("LAMBDA_JAVA_OPTS", javaOptions);
      Service service = new Service(pb.start(), port, log);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < deadline) {
        try {
          service.get("/health");
          return service;
        } catch (IOException e) {
          if (!service.process.isAlive()) {
            throw new IllegalStateException("bin/lambda serve exited; see " + log);
          }
          Thread.sleep(500);
        }
      }
      service.close();
      throw new IllegalStateException(
          "bin/lambda serve did not answer within 3 minutes; see " + log);
    }

    String get(String path) throws IOException, InterruptedException {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    long loadMs() throws IOException {
      return Files.readAllLines(log).stream()
          .filter(l -> l.contains("batch view loaded in "))
          .map(l -> l.substring(l.indexOf("loaded in ") + 10, l.indexOf(" ms")))
          .mapToLong(Long::parseLong)
          .max()
          .orElse(-1);
    }

    /**
     * Heap in use after a full GC (jcmd GC.run), in MB, as the service's own JVM metrics report it.
     */
    double heapAfterGcMb() throws Exception {
      Process gc =
          new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      gc.waitFor(60, TimeUnit.SECONDS);
      Thread.sleep(500);
      return Math.round(metric(get("/metrics"), "jvm_memory_used_bytes{area=\"heap\"}") / 1e6 * 10)
          / 10.0;
    }

    double rssMb() throws IOException {
      return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .map(l -> l.replaceAll("[^0-9]", ""))
          .mapToDouble(Double::parseDouble)
          .map(kb -> Math.round(kb / 1024.0))
          .findFirst()
          .orElse(-1);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
