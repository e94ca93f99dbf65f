package org.lambdaref.bench;

import static org.apache.spark.sql.functions.input_file_name;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.cli.LocalProvisioning;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.LiveEvents;
import org.lambdaref.speed.EventProducer;
import org.lambdaref.speed.SpeedMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the speed layer as a user runs it ({@code bin/lambda speed} in its own JVM) on the local
 * stack: events produced at a steady rate, the time from send to the counter being readable (probe
 * events of their own places, polled in DynamoDB) and to the row being in the hot table (for every
 * row: the commit time of the Delta version that added its file, minus its Kafka timestamp), and
 * the lag behind Kafka over the run. {@code bin/bench speed}: the figures are published with the
 * machine they were measured on; the run's own files stay under {@code
 * <work-dir>/bench/bench_<ms>}.
 */
@Command(
    name = "speed",
    mixinStandardHelpOptions = true,
    description =
        "Speed layer latency at a fixed rate on the local stack ('bin/lambda local up' first): latency p50/p99,"
            + " lag, memory; publishes results/speed-<rate>.json.")
final class SpeedBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--rate",
      defaultValue = "20000",
      description = "Events per second (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--duration",
      defaultValue = "120s",
      description = "Measured time after the warm-up (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--warmup",
      defaultValue = "30s",
      description = "Time at the rate before measuring (default ${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = "--trigger",
      defaultValue = "5s",
      description = "Micro-batch interval (default ${DEFAULT-VALUE}).")
  String trigger;

  @Option(
      names = "--results",
      defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results",
      description = "Where to publish.")
  Path results;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> machine =
        Machine.describe(); // before the run: its load average is the one at the start
    run().publish(results.resolve("speed-" + rate + ".json"), machine);
    return 0;
  }

  /** One run on a fresh topic and counters table; its files stay in the result's folder. */
  LayerBenchResult run() throws Exception {
    Duration measure = SpeedMain.parseDurationOption("--duration", duration);
    Duration warm = SpeedMain.parseDurationOption("--warmup", warmup);
    long runId = System.currentTimeMillis();
    String name = "bench_" + runId;
    PlatformConfig base = configOptions.load();
    Path dir = base.workDir().resolve("bench").resolve(name);
    Map<String, String> overrides = new LinkedHashMap<>(configOptions.overrides());
    overrides.put("platform.kafka.topic", name);
    overrides.put("platform.dynamodb.counters-table", name);
    overrides.put("platform.storage.root", dir.resolve("lake").toString());
    overrides.put("platform.speed.checkpoint-dir", dir.resolve("checkpoints").toString());
    overrides.put("platform.speed.metrics-file", dir.resolve("speed-progress.jsonl").toString());
    overrides.put("platform.speed.query-name", name);
    overrides.put("platform.speed.trigger-interval", trigger);
    PlatformConfig config = configOptions.load(overrides);
    Console console = Console.stdout();
    LocalProvisioning.createTopic(config.kafka().bootstrapServers(), name);
    LocalProvisioning.createCountersTable(config);
    Files.createDirectories(dir);

    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("lambda.home", "."), "bin", "lambda").toString(),
                "speed",
                "--env",
                configOptions.env(),
                "--starting-offsets",
                "earliest",
                "--run-for",
                (warm.plus(measure).toSeconds() + 600) + "s"));
    overrides.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
    Process speed =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("speed.log").toFile())
            .start();
    console.line(
        "speed layer started (log %s); waiting for its first micro-batch",
        dir.resolve("speed.log"));
    Path metrics = config.speed().metricsFile();
    try {
      // one event so that the first (slow) micro-batch is behind us before we measure
      try (EventProducer p =
          new EventProducer(
              config.kafka().bootstrapServers(), name, config.kafka().clientProperties())) {
        p.send(probe("warm", Instant.now()));
        p.flush();
      }
      waitFor(
          () -> batches(metrics).stream().anyMatch(b -> b.path("input_rows").asLong() > 0),
          Duration.ofMinutes(3),
          speed);

      Map<String, Instant> probesSent = new ConcurrentHashMap<>();
      Map<String, Duration> probeLatency = new ConcurrentHashMap<>();
      AtomicBoolean producing = new AtomicBoolean(true);
      Instant start = Instant.now();
      Instant measureFrom = start.plus(warm);
      Instant end = measureFrom.plus(measure);
      Thread poller =
          new Thread(() -> pollProbes(config, probesSent, probeLatency, producing), "probe-poller");
      poller.setDaemon(true);
      poller.start();
      console.line(
          "producing %d events/s for %s (warm-up %s, then measuring %s)",
          rate, warm.plus(measure), warm, measure);
      long[] distinctValid = new long[1];
      long sent;
      List<JvmMemorySampler.Sample> memory;
      double[] heapAfterGc = {-1, -1};
      Thread startGc =
          new Thread(
              () -> {
                sleep(Math.max(0, Duration.between(Instant.now(), measureFrom).toMillis()));
                heapAfterGc[0] = JvmMemorySampler.heapAfterFullGcMb(speed.pid());
              },
              "heap-at-start");
      startGc.setDaemon(true);
      try (JvmMemorySampler sampler = new JvmMemorySampler(speed.pid(), 5_000)) {
        startGc.start();
        sent = produce(config, name, rate, start, end, measureFrom, probesSent, distinctValid);
        memory = sampler.samples();
      }
      startGc.join(60_000);
      heapAfterGc[1] = JvmMemorySampler.heapAfterFullGcMb(speed.pid());
      Instant produced = Instant.now();
      console.line(
          "sent %d events (%.0f/s); waiting for the speed layer to drain",
          sent, sent / Math.max(0.001, Duration.between(start, produced).toMillis() / 1000.0));
      boolean drained =
          waitUntil(
              () -> probeLatency.size() == probesSent.size() && lastLag(metrics) == 0,
              Duration.ofMinutes(5));
      producing.set(false);
      Instant drainedAt = Instant.now();
      speed.destroy();
      speed.waitFor(60, TimeUnit.SECONDS);
      // exact at the end: every distinct valid event sent (the warm-up probe included) counted once
      long expected = distinctValid[0] + probesSent.size() + 1;
      long counted;
      long probesNotOne;
      try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
        List<CounterStore.Counter> all = store.scanAll();
        counted = all.stream().mapToLong(CounterStore.Counter::count).sum();
        probesNotOne =
            all.stream().filter(c -> c.placeId().startsWith("probe-") && c.count() != 1).count();
      }

      List<Long> counterMs =
          probeLatency.values().stream().map(Duration::toMillis).sorted().toList();
      long[] hot = hotLatencies(config, measureFrom, end);
      List<JsonNode> all = batches(metrics);
      List<Long> lagSeries =
          all.stream()
              .filter(
                  b ->
                      Instant.parse(b.path("timestamp").asText()).isAfter(measureFrom)
                          && Instant.parse(b.path("timestamp").asText()).isBefore(end))
              .map(b -> b.path("offsets_behind_latest").asLong())
              .toList();
      List<Long> batchMs =
          all.stream()
              .filter(b -> Instant.parse(b.path("timestamp").asText()).isAfter(measureFrom))
              .map(b -> b.path("batch_duration_ms").asLong())
              .sorted()
              .toList();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("rate_target", rate);
      result.put(
          "rate_sent",
          Math.round(
              sent / Math.max(0.001, Duration.between(start, produced).toMillis() / 1000.0)));
      result.put("trigger", trigger);
      result.put("measured_seconds", measure.toSeconds());
      result.put("counter_latency_ms_p50", pct(counterMs, 50));
      result.put("counter_latency_ms_p99", pct(counterMs, 99));
      result.put("counter_probes", counterMs.size());
      result.put("hot_latency_ms_p50", hot[1]);
      result.put("hot_latency_ms_p99", hot[2]);
      result.put("hot_rows_measured", hot[0]);
      result.put("batch_ms_p50", pct(batchMs, 50));
      result.put("batch_ms_max", batchMs.isEmpty() ? 0 : batchMs.get(batchMs.size() - 1));
      // a rate is sustained when the end-to-end latency does not grow over the run: the probes
      // sent in the last third of the window wait at most one trigger interval longer than those
      // of the first third (at 30k/s here it grew by 11 s in 5 minutes while the lag grew by 60%)
      List<Long> bySendTime =
          probesSent.entrySet().stream()
              .filter(e -> probeLatency.containsKey(e.getKey()))
              .sorted(Map.Entry.comparingByValue())
              .map(e -> probeLatency.get(e.getKey()).toMillis())
              .toList();
      int third = Math.max(1, bySendTime.size() / 3);
      long firstThird = pct(bySendTime.subList(0, third).stream().sorted().toList(), 50);
      long lastThird =
          pct(
              bySendTime.subList(bySendTime.size() - third, bySendTime.size()).stream()
                  .sorted()
                  .toList(),
              50);
      long triggerMs = SpeedMain.parseDurationOption("--trigger", trigger).toMillis();
      result.put("counter_latency_ms_first_third_p50", firstThird);
      result.put("counter_latency_ms_last_third_p50", lastThird);
      result.put("sustained", lastThird - firstThird <= triggerMs && drained);
      result.put(
          "lag_first_half_max",
          lagSeries.isEmpty()
              ? 0
              : Collections.max(lagSeries.subList(0, Math.max(1, lagSeries.size() / 2))));
      result.put(
          "lag_second_half_max",
          lagSeries.isEmpty()
              ? 0
              : Collections.max(lagSeries.subList(lagSeries.size() / 2, lagSeries.size())));
      result.put(
          "drained_seconds_after_last_send", Duration.between(produced, drainedAt).toSeconds());
      result.put("drained", drained);
      result.put("counters_expected", expected);
      result.put("counters_counted", counted);
      result.put("counters_exact", expected == counted && probesNotOne == 0);
      // a full GC of the speed JVM at the start and at the end of the measured window: the heap it
      // really holds (the old generation of ParallelGC only climbs between full GCs)
      result.put("heap_after_full_gc_mb_start", heapAfterGc[0]);
      result.put("heap_after_full_gc_mb_end", heapAfterGc[1]);
      result.put("memory_flat", JvmMemorySampler.flat(heapAfterGc[0], heapAfterGc[1]));
      result.putAll(
          JvmMemorySampler.summary(
              memory.stream().filter(m -> m.atSeconds() >= warm.toSeconds()).toList()));
      Files.write(
          dir.resolve("memory.csv"),
          Stream.concat(
                  Stream.of("seconds,rss_mb,old_gen_mb"),
                  memory.stream().map(m -> m.atSeconds() + "," + m.rssMb() + "," + m.oldGenMb()))
              .toList());
      Files.writeString(
          dir.resolve("result.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
      result.forEach((k, v) -> console.line("  %-34s %s", k, v));
      console.line("result: %s", dir.resolve("result.json"));
      return new LayerBenchResult(dir, result);
    } finally {
      if (speed.isAlive()) {
        speed.destroyForcibly();
      }
    }
  }

  /**
   * Sends at {@code rate} until {@code end}; returns the events sent, and adds the distinct valid
   * ones to {@code distinctValid}.
   */
  private long produce(
      PlatformConfig config,
      String topic,
      int rate,
      Instant start,
      Instant end,
      Instant measureFrom,
      Map<String, Instant> probesSent,
      long[] distinctValid) {
    LiveEvents live = new LiveEvents(LiveEvents.Spec.defaults(7));
    long n = 0;
    long startNanos = System.nanoTime();
    long nextProbe = 0;
    int probe = 0;
    try (EventProducer producer =
        new EventProducer(
            config.kafka().bootstrapServers(), topic, config.kafka().clientProperties())) {
      while (Instant.now().isBefore(end)) {
        long due = startNanos + n * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 2_000_000) {
          sleep(wait / 1_000_000);
        }
        Instant now = Instant.now();
        for (GeneratedLine line : live.next(now)) {
          producer.send(line.line());
          if (line.kind() == GeneratedLine.Kind.VALID || line.kind() == GeneratedLine.Kind.LATE) {
            distinctValid[0]++;
          }
        }
        n++;
        if (!now.isBefore(measureFrom) && System.nanoTime() >= nextProbe) {
          String id = "probe-" + probe++;
          probesSent.put(id, now);
          producer.send(probe(id, now));
          nextProbe = System.nanoTime() + 500_000_000L;
        }
      }
      producer.flush();
    }
    return n;
  }

  private static String probe(String place, Instant now) {
    return "{\"event_id\":\""
        + place
        + "\",\"event_time\":\""
        + now
        + "\",\"processing_time\":\""
        + now
        + "\",\"table_name\":\"place_event\",\"records\":{\"place_id\":\""
        + place
        + "\",\"user_id\":\"u-probe\",\"action\":\"click\"}}";
  }

  private static void pollProbes(
      PlatformConfig config,
      Map<String, Instant> sent,
      Map<String, Duration> seen,
      AtomicBoolean running) {
    try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
      while (running.get()) {
        for (Map.Entry<String, Instant> e : sent.entrySet()) {
          if (seen.containsKey(e.getKey())) {
            continue;
          }
          Instant hour = e.getValue().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
          try {
            List<CounterStore.Counter> c =
                store.read(e.getKey(), hour, hour.plus(Duration.ofHours(3)));
            if (!c.isEmpty()) {
              seen.put(e.getKey(), Duration.between(e.getValue(), Instant.now()));
            }
          } catch (RuntimeException ignored) {
            // read again on the next round
          }
        }
        sleep(100);
      }
    }
  }

  /**
   * Per hot row produced in the window: commit time of the Delta version that added its file -
   * Kafka time; returns the rows measured, p50 and p99. The percentiles are computed by Spark (rank
   * error 1e-5, under a millisecond here) because 10 minutes at 20k/s are 12M rows.
   */
  private static long[] hotLatencies(PlatformConfig config, Instant from, Instant to) {
    SparkSession spark = SparkSessions.getOrCreate(config, "SpeedBenchmark");
    String hot = config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name());
    // a commit's add actions and its commitInfo sit in the same log file: join them by that file
    spark
        .read()
        .json(hot + "/_delta_log/*.json")
        .withColumn("log_file", input_file_name())
        .createOrReplaceTempView("bench_log");
    spark
        .sql(
            "select regexp_extract(a.add.path, '([^/]+)$', 1) as file, c.commitInfo.timestamp as committed_ms"
                + " from bench_log a join bench_log c on a.log_file = c.log_file"
                + " where a.add is not null and c.commitInfo is not null")
        .createOrReplaceTempView("bench_files");
    spark
        .read()
        .format("delta")
        .load(hot)
        .selectExpr("kafka_timestamp", "regexp_extract(input_file_name(), '([^/]+)$', 1) as file")
        .createOrReplaceTempView("bench_rows");
    Row stats =
        spark
            .sql(
                "select count(*), percentile_approx(ms, 0.5, 100000), percentile_approx(ms, 0.99, 100000) from ("
                    + "select f.committed_ms - unix_millis(r.kafka_timestamp) as ms from bench_rows r"
                    + " join bench_files f on r.file = f.file"
                    + " where r.kafka_timestamp >= timestamp_millis("
                    + from.toEpochMilli()
                    + ") and r.kafka_timestamp < timestamp_millis("
                    + to.toEpochMilli()
                    + "))")
            .first();
    return stats.getLong(0) == 0
        ? new long[] {0, -1, -1}
        : new long[] {stats.getLong(0), stats.getLong(1), stats.getLong(2)};
  }

  private static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static List<JsonNode> batches(Path metrics) {
    List<JsonNode> out = new ArrayList<>();
    try {
      if (Files.exists(metrics)) {
        for (String line : Files.readAllLines(metrics)) {
          if (!line.isBlank()) {
            out.add(JSON.readTree(line));
          }
        }
      }
    } catch (Exception e) {
      // partially written line: read again later
    }
    return out;
  }

  private static long lastLag(Path metrics) {
    List<JsonNode> all = batches(metrics);
    return all.isEmpty()
        ? Long.MAX_VALUE
        : all.get(all.size() - 1).path("offsets_behind_latest").asLong();
  }

  private static void waitFor(BooleanSupplier condition, Duration timeout, Process speed) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (!speed.isAlive()) {
        throw new IllegalStateException(
            "the speed layer exited with " + speed.exitValue() + " before its first batch");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the speed layer made no micro-batch within " + timeout);
      }
      sleep(200);
    }
  }

  private static boolean waitUntil(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(500);
    }
    return true;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
