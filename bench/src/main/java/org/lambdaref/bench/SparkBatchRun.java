package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.AggregateJob;
import org.lambdaref.batch.BatchMain;
import org.lambdaref.batch.CollectJob;
import org.lambdaref.batch.EnrichJob;
import org.lambdaref.batch.Lake;
import org.lambdaref.batch.SnapshotJob;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;

/**
 * The batch benchmark's Spark side, in its own JVM as {@code spark-submit} would start it: the
 * platform's own jobs (collect, snapshot, enrich, aggregate) for one day, each timed, then the
 * {@link BatchCheck} files, written after the clock stops.
 */
public final class SparkBatchRun {

  public static void main(String[] argv) throws Exception {
    long started = System.nanoTime();
    Map<String, String> a = BenchArgs.parse(argv);
    LocalDate day = LocalDate.parse(a.get("day"));
    Map<String, String> overrides =
        new LinkedHashMap<>(
            Map.of(
                "platform.work-dir", a.get("work-dir"),
                "platform.storage.datasource", a.get("datasource"),
                "platform.timezone", a.get("zone"),
                "platform.source-db.mode", "dump",
                "platform.source-db.dump-format", "parquet"));
    // --spark-conf k=v,k=v: a setting under trial, recorded in the result
    String trial = a.getOrDefault("spark-conf", "");
    for (String pair : trial.isEmpty() ? new String[0] : trial.split(",")) {
      String[] kv = pair.split("=", 2);
      overrides.put("platform.spark.conf.\"" + kv[0] + "\"", kv[1]);
    }
    PlatformConfig config =
        ConfigLoader.load("local", overrides, Map.of(), Path.of("").toAbsolutePath());
    Map<String, Object> steps = new LinkedHashMap<>();
    SparkSession spark = SparkSessions.getOrCreate(config, BatchMain.APP_NAME + "Bench");
    steps.put("start_ms", millisSince(started));
    Lake lake = new Lake(spark, config);

    long t = System.nanoTime();
    CollectJob.Counts c = new CollectJob(spark, config, config.eventSource().name()).run(day);
    steps.put("collect_ms", millisSince(t));
    t = System.nanoTime();
    new SnapshotJob(lake).run(day);
    steps.put("snapshot_ms", millisSince(t));
    t = System.nanoTime();
    new EnrichJob(lake).run(day);
    steps.put("enrich_ms", millisSince(t));
    t = System.nanoTime();
    new AggregateJob(lake).run(day);
    steps.put("aggregate_ms", millisSince(t));
    steps.put("total_ms", millisSince(started));

    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("owned", c.owned());
    counts.put("accepted", c.accepted());
    counts.put("duplicates", c.duplicates());
    counts.put("late", c.late());
    counts.put("rejected", c.rejected());
    counts.put("lines_read", c.linesRead());
    writeCheck(lake, Partitions.day(day), Path.of(a.get("check")), counts);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("engine", "spark");
    result.put("steps", steps);
    result.put("counts", counts);
    if (!trial.isEmpty()) {
      Map<String, String> applied = new LinkedHashMap<>();
      for (String pair : trial.split(",")) {
        String key = pair.split("=", 2)[0];
        applied.put(key, spark.conf().get(key, "<unset>"));
      }
      result.put("spark_conf_trial", applied);
    }
    result.put("peak_rss_mb", Machine.peakRssMb());
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
    spark.stop();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void writeCheck(Lake lake, String period, Path dir, Map<String, Long> counts) {
    BatchCheck.write(
        dir,
        "place_action_1h",
        lines(
            lake,
            PlatformTables.PLACE_ACTION_1H,
            period,
            "place_id",
            "action",
            Partitions.DAY_COLUMN,
            Partitions.HOUR_COLUMN,
            "events"));
    BatchCheck.write(
        dir,
        "place_impression_1d",
        lines(
            lake,
            PlatformTables.PLACE_IMPRESSION_1D,
            period,
            "place_id",
            "impressions",
            "clicks",
            "unique_users",
            Partitions.DAY_COLUMN));
    BatchCheck.write(
        dir,
        "place_impression_30d",
        lines(
            lake,
            PlatformTables.PLACE_IMPRESSION_30D,
            period,
            "place_id",
            "impressions",
            "clicks",
            "unique_users",
            Partitions.DAY_COLUMN));
    BatchCheck.write(
        dir,
        "seller_place_1d",
        lines(
            lake,
            PlatformTables.SELLER_PLACE_1D,
            period,
            "seller_id",
            "places",
            "impressions",
            "clicks",
            "unique_users",
            Partitions.DAY_COLUMN));
    Dataset<Row> reasons =
        lake.day(PlatformTables.PLACE_EVENT_QUARANTINE, period).groupBy("reason").count();
    BatchCheck.write(dir, "rejection_reasons", toLines(reasons));
    BatchCheck.write(dir, "accounting", List.of(BatchCheck.accounting(counts)));
  }

  private static List<String> lines(Lake lake, TableSpec table, String period, String... columns) {
    // asked through the declaration: a column DuckDB's side names but the table lacks fails here
    return toLines(lake.day(table, period).selectExpr(table.names(columns).toArray(String[]::new)));
  }

  private static List<String> toLines(Dataset<Row> rows) {
    List<String> out = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        line.append(i > 0 ? "\t" : "").append(r.get(i));
      }
      out.add(line.toString());
    }
    return out;
  }
}
