package org.lambdaref.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.BatchMain;
import org.lambdaref.batch.BatchPipeline;
import org.lambdaref.batch.IngestWindow;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole platform end to end on this machine.",
      "Starts the local stack, generates past days of raw events, replays them through the batch"
          + " layer, streams live events through the speed layer, and answers a merged query from"
          + " the serving layer's HTTP API."
    })
final class DemoCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--days",
      defaultValue = "3",
      description = "Past days of events to generate (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--events-per-day",
      defaultValue = "20000",
      description = "Distinct events per day (default ${DEFAULT-VALUE}).")
  int eventsPerDay;

  @Option(
      names = "--live-events",
      defaultValue = "20000",
      description = "Live events for the speed layer (default ${DEFAULT-VALUE}).")
  int liveEvents;

  @Option(
      names = "--live-rate",
      defaultValue = "2000",
      description = "Their rate per second (default ${DEFAULT-VALUE}).")
  int liveRate;

  private static void printResults(PlatformConfig config, Console console) {
    var spark = SparkSessions.getOrCreate(config, "LambdaDemo");
    LakeTables.registerAll(spark, config);
    console.line("");
    console.line("Top places on the last batch day (t3.place_impression_aggr_1d_daily):");
    printQuery(
        spark,
        "select p_ymd, place_id, impressions, clicks, unique_users from t3.place_impression_aggr_1d_daily"
            + " where p_ymd = (select max(p_ymd) from t3.place_impression_aggr_1d_daily)"
            + " order by impressions desc, place_id limit 5");
    console.line("Ledger (ops.batch_ledger), latest run per job and period:");
    printQuery(
        spark,
        "select period, job, status, owned, accepted, duplicates, late, rejected, rows_written from ("
            + " select *, row_number() over (partition by job, period order by ended_at desc) as n from ops.batch_ledger)"
            + " where n = 1 order by period, case job when 'collect_place_event' then 1 when 'snapshot_place' then 2"
            + " when 'enrich_place_event' then 3 when 'aggregate_place' then 4 else 5 end");
  }

  private static void printQuery(SparkSession spark, String sql) {
    var result = spark.sql(sql);
    List<List<Object>> rows = new ArrayList<>();
    for (var row : result.collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        values.add(row.get(i));
      }
      rows.add(values);
    }
    TablePrinter.print(
        System.out, TablePrinter.Format.TABLE, Arrays.asList(result.columns()), rows);
  }

  @Override
  public Integer call() {
    PlatformConfig initial = configOptions.load();
    Console console = Console.stdout();
    console.line("Lambda platform demo (env %s, zone %s)", initial.env(), initial.timezone());
    try (LocalCommand.StackLease lease = LocalCommand.attachOrStart(initial, console)) {
      // point every layer at where the services really listen (containers get random ports)
      PlatformConfig config = configOptions.load(lease.stack().configOverrides());
      console.step(
          "creating Kafka topic, DynamoDB counters table, S3 bucket, checking PostgreSQL",
          () -> LocalProvisioning.provision(config, lease.stack()));
      // the past days whose windows have closed, so the batch can own every line of them
      LocalDate lastClosed = LocalDate.now(config.timezone()).minusDays(1);
      while (!IngestWindow.of(lastClosed, config.timezone(), config.eventSource())
          .isClosedAt(Instant.now())) {
        lastClosed = lastClosed.minusDays(1);
      }
      GenerateCommand generate =
          GenerateCommand.replacing(
              lastClosed.minusDays(days - 1L), days, eventsPerDay, 1000, 5000);
      GenerateCommand.Summary summary =
          console.step(
              "generating " + days + " days of raw events from " + generate.startDate,
              () -> generate.run(config, console));

      console.step(
          "writing the place master (1000 places, 50 sellers) into PostgreSQL "
              + config.sourceDb().placeTable(),
          () -> LocalProvisioning.seedPlaces(config, 1000, 50));
      // one more period than generated: the late arrivals of the last day belong to it (if closed)
      RunArguments replay = new RunArguments(generate.startDate, days + 1, 1, config.env());
      int batchExit =
          console.step(
              "batch replay: raw -> t1 -> t2 -> t3 -> JDBC for "
                  + replay.iterationCount()
                  + " days in one Spark application",
              () -> new BatchMain().run(config, replay, BatchPipeline.Job.parse("all"), console));
      printResults(config, console);
      SpeedDemo.Result speed =
          console.step(
              "speed layer: streaming query on live events ("
                  + liveEvents
                  + " events at "
                  + liveRate
                  + "/s)",
              () -> SpeedDemo.run(config, liveEvents, liveRate));
      SpeedDemo.print(speed, config, console);
      ServingDemo.Result serving =
          console.step(
              "serving layer: HTTP API merging both views at the days the batch covers",
              () -> ServingDemo.run(config, generate.startDate));
      ServingDemo.print(serving, console);

      console.line("");
      console.line("Summary");
      console.line("  local stack:");
      LocalProvisioning.describe(config, lease.stack())
          .forEach((k, v) -> console.line("    %-9s %s", k, v));
      console.line(
          "  raw events: %d lines in %d files under %s",
          summary.lines(), summary.files(), summary.location());
      console.line("    by kind:  %s", summary.kinds());
      console.line(
          "  batch:      t1, t2, t3 and the JDBC export written%s",
          batchExit == 0 ? "" : " (some periods FAILED: see the ledger)");
      console.line(
          "  speed:      %d events counted exactly once in DynamoDB, hot table hot.place_event_timeseries_hourly",
          speed.counted());
      console.line(
          "  serving:    merged query answered, newest day covered by the batch %s (bin/lambda serve keeps the API up)",
          serving.answer().get("batch_watermark").asText());
      console.line(
          "  next:       bin/lambda serve; bin/lambda tables;"
              + " bin/lambda sql \"select * from serving.place_action_merged_hourly limit 10\"");
      console.line("  total time: %s", console.elapsed());
    }
    return 0;
  }
}
