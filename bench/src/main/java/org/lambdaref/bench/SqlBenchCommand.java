package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.lambdaref.cli.LocalProvisioning;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.Console;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.TrinoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench sql}: how long a user waits for {@code bin/lambda sql} over a t3 table, on the
 * local Trino against Spark in the command's own JVM, side by side in one run on the same lake; and
 * the query alone over one JDBC connection (what a BI tool sees).
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description =
        "bin/lambda sql over a t3 table on the local Trino against Spark, and one JDBC query.")
final class SqlBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String QUERY =
      "select p_ymd, count(*) as places, sum(impressions) as impressions"
          + " from t3.place_impression_aggr_1d_daily group by p_ymd order by p_ymd";

  @Option(
      names = "--days",
      defaultValue = "3",
      description = "Days in the lake (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--events-per-day",
      defaultValue = "20000",
      description = "Raw events a day (default ${DEFAULT-VALUE}).")
  int eventsPerDay;

  @Option(
      names = "--runs",
      defaultValue = "7",
      description = "Measured commands per engine after one warm-up (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--dir",
      defaultValue = "${sys:lambda.home:-.}/.lambda/bench/sql",
      description = "The lake and the stack's files.")
  Path dir;

  @Option(
      names = "--result",
      defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results/sql.json",
      description = "The JSON result (default docs/benchmarks/results/sql.json).")
  Path result;

  @Override
  public Integer call() throws Exception {
    Console console = Console.stdout();
    Path run = dir.resolve("run-" + System.currentTimeMillis());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "sql");
    out.put("started_at", Instant.now().toString());
    out.put("machine", Machine.describe());
    out.put(
        "settings",
        Map.of(
            "days",
            days,
            "events_per_day",
            eventsPerDay,
            "runs",
            runs,
            "query",
            QUERY,
            "order",
            "trino, spark, trino, spark, ... (one warm-up of each first)"));
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                run.resolve("stack"),
                ServerKind.KAFKA,
                ServerKind.DYNAMODB,
                ServerKind.POSTGRES,
                ServerKind.TRINO))) {
      stack.advertise(); // each bin/lambda sql finds its Trino
      List<String> conf = new ArrayList<>();
      Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
      overrides.put("platform.storage.root", run.resolve("lake").toString());
      overrides.put("platform.work-dir", run.resolve("work").toString());
      overrides.put("platform.local-stack.dir", run.resolve("stack").toString());
      overrides.forEach((k, v) -> conf.addAll(List.of("--conf", k + "=" + v)));
      // the batch's writer lease lives in the counters table
      LocalProvisioning.createCountersTable(ConfigLoader.load("local", overrides, Map.of(), run));
      LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(days + 2L);
      console.step(
          "a lake of " + days + " days",
          () -> {
            lambda(
                conf,
                "generate",
                "--start-date",
                first.toString(),
                "--days",
                Integer.toString(days),
                "--events-per-day",
                Integer.toString(eventsPerDay),
                "--place-master");
            lambda(
                conf,
                "batch",
                "--start-date",
                first.toString(),
                "--iteration-count",
                Integer.toString(days));
          });
      List<Double> trino = new ArrayList<>();
      List<Double> spark = new ArrayList<>();
      // warm-up: the first Trino query plans cold and reads the log for the first time
      lambda(conf, "sql", "--engine", "trino", QUERY);
      lambda(conf, "sql", "--engine", "spark", QUERY);
      for (int i = 0; i < runs; i++) {
        trino.add(lambda(conf, "sql", "--engine", "trino", QUERY));
        spark.add(lambda(conf, "sql", "--engine", "spark", QUERY));
        console.line("    run %d: trino %.2f s, spark %.2f s", i + 1, trino.get(i), spark.get(i));
      }
      List<Double> jdbc = new ArrayList<>();
      Properties p = new Properties();
      p.setProperty("user", TrinoConfig.USER);
      try (Connection c = DriverManager.getConnection(stack.trinoJdbcUrl().orElseThrow(), p)) {
        for (int i = 0; i < 5 + 20; i++) {
          long t0 = System.nanoTime();
          try (Statement st = c.createStatement();
              ResultSet rs = st.executeQuery(QUERY)) {
            while (rs.next()) {
              rs.getString(1);
            }
          }
          if (i >= 5) {
            jdbc.add((System.nanoTime() - t0) / 1e6);
          }
        }
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("command_trino_median_s", round(Stats.median(trino)));
      figures.put("command_spark_median_s", round(Stats.median(spark)));
      figures.put("spark_over_trino", Stats.ratio(Stats.median(spark), Stats.median(trino)));
      figures.put("command_trino_s", trino);
      figures.put("command_spark_s", spark);
      figures.put("jdbc_query_median_ms", round(Stats.median(jdbc)));
      figures.put("jdbc_query_max_ms", round(jdbc.stream().mapToDouble(d -> d).max().orElse(0)));
      figures.put("target", "a select over a t3 table answers in under 3 s on a warm stack");
      out.put("figures", figures);
      out.put("load_average_at_end", Machine.loadAverage());
      console.line(
          "bin/lambda sql: Trino %.2f s, Spark %.2f s (medians of %d); one JDBC query %.1f ms",
          Stats.median(trino), Stats.median(spark), runs, Stats.median(jdbc));
    } finally {
      LocalStack.deleteTree(run);
    }
    Files.createDirectories(result.getParent());
    Files.writeString(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    console.line("result: %s", result);
    return 0;
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  /** Runs {@code bin/lambda} as a user does; returns its wall time in seconds. */
  private double lambda(List<String> conf, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("lambda.home", "."), "bin", "lambda").toString());
    command.addAll(List.of(args));
    command.addAll(conf);
    try {
      long t0 = System.nanoTime();
      Path log = dir.resolve("last-command.log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "bin/lambda "
                + String.join(" ", args)
                + " failed (exit "
                + p.exitValue()
                + "): its output is in "
                + log);
      }
      return (System.nanoTime() - t0) / 1e9;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
