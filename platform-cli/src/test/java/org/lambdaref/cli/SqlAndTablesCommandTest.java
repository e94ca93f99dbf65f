package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.PlatformTables;

class SqlAndTablesCommandTest {

  @TempDir static Path root;

  @BeforeAll
  static void writeADailyTable() {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "test");
    List<Map<String, ?>> rows =
        List.of(
            Map.of("place_id", "p-1", "impressions", 10L, "p_ymd", "20190608"),
            Map.of("place_id", "p-2", "impressions", 7L, "p_ymd", "20190608"),
            Map.of("place_id", "p-1", "impressions", 3L, "p_ymd", "20190609"));
    SparkSchemas.frame(spark, PlatformTables.PLACE_IMPRESSION_1D, rows)
        .write()
        .format("delta")
        .partitionBy("p_ymd")
        .save(config.storage().tableLocation(PlatformTables.PLACE_IMPRESSION_1D.name()));
  }

  @Test
  void sqlNamesTablesByDatabaseAndPrintsEachFormat() {
    String query =
        "select place_id, sum(impressions) as impressions from t3.place_impression_aggr_1d_daily group by place_id order by place_id";

    CliRun csv =
        CliRun.run("sql", "--conf", "platform.storage.root=" + root, "--format", "csv", query);
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("place_id,impressions\np-1,13\np-2,7\n");

    CliRun json =
        CliRun.run("sql", "--conf", "platform.storage.root=" + root, "--format", "json", query);
    assertThat(json.out()).contains("{\"place_id\":\"p-1\",\"impressions\":13}");

    CliRun table = CliRun.run("sql", "--conf", "platform.storage.root=" + root, query);
    assertThat(table.out()).contains("| p-1      |          13 |").contains("2 rows");
  }

  @Test
  void tablesShowsPartitionsRowsAndFilesOfExistingTables() {
    CliRun run = CliRun.run("tables", "--conf", "platform.storage.root=" + root, "--format", "csv");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .as("2 partitions, 3 rows, some files, their ratio")
        .containsPattern("t3\\.place_impression_aggr_1d_daily,t3,2,3,[1-9][0-9]*,[0-9.]+,file:");
    assertThat(run.out()).contains("t1_log.place_event_timeseries_hourly,t1_log,-,-,-,-,");
  }

  @Test
  void compactPacksTheFilesOfEachDayPartition() {
    String location = root.resolve("datastore/t3/place_impression_aggr_30d_daily").toString();
    SparkSession spark = SparkSession.active();
    var daily =
        spark
            .read()
            .format("delta")
            .load(root.resolve("datastore/t3/place_impression_aggr_1d_daily").toString());
    // three appends leave several small files per day partition
    for (int i = 0; i < 3; i++) {
      daily.write().format("delta").mode("append").partitionBy("p_ymd").save(location);
    }
    long before = spark.sql("DESCRIBE DETAIL delta.`" + location + "`").first().getAs("numFiles");

    CliRun run =
        CliRun.run(
            "compact",
            "--conf",
            "platform.storage.root=" + root,
            "--table",
            "t3.place_impression_aggr_30d_daily",
            "--start-date",
            "2019-06-08",
            "--iteration-count",
            "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    long after = spark.sql("DESCRIBE DETAIL delta.`" + location + "`").first().getAs("numFiles");
    assertThat(before).isGreaterThanOrEqualTo(6);
    assertThat(after).as("one file per day partition").isEqualTo(2);
    assertThat(run.out()).contains("t3.place_impression_aggr_30d_daily");
    assertThat(spark.read().format("delta").load(location).count()).as("no row lost").isEqualTo(9);
  }

  @Test
  void aCutResultSaysSoOnStderrAndZeroPrintsAll() {
    String query =
        "select place_id from t3.place_impression_aggr_1d_daily order by place_id, p_ymd";
    CliRun cut =
        CliRun.run(
            "sql",
            "--conf",
            "platform.storage.root=" + root,
            "--format",
            "csv",
            "--max-rows",
            "2",
            query);
    assertThat(cut.exitCode()).as(cut.err()).isZero();
    assertThat(cut.out()).as("stdout is data only").isEqualTo("place_id\np-1\np-1\n");
    assertThat(cut.err()).contains("more than 2 rows").contains("--max-rows 0");

    CliRun all =
        CliRun.run(
            "sql",
            "--conf",
            "platform.storage.root=" + root,
            "--format",
            "csv",
            "--max-rows",
            "0",
            query);
    assertThat(all.out()).isEqualTo("place_id\np-1\np-1\np-2\n");
    assertThat(all.err()).doesNotContain("more than");

    CliRun exact =
        CliRun.run(
            "sql",
            "--conf",
            "platform.storage.root=" + root,
            "--format",
            "csv",
            "--max-rows",
            "3",
            query);
    assertThat(exact.err()).as("3 rows fit in 3: nothing was cut").doesNotContain("more than");

    CliRun negative =
        CliRun.run("sql", "--conf", "platform.storage.root=" + root, "--max-rows", "-1", query);
    assertThat(negative.exitCode()).isNotZero();
    assertThat(negative.err()).contains("--max-rows").contains("-1");
  }

  @Test
  void aSyntaxErrorIsReportedBeforeAnyTableIsRegistered() {
    CliRun run = CliRun.run("sql", "--conf", "platform.storage.root=" + root, "selec * from t3.x");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("selec");
  }

  @Test
  void aBadQueryIsReportedNotSwallowed() {
    CliRun run =
        CliRun.run(
            "sql",
            "--conf",
            "platform.storage.root=" + root,
            "select * from t3.no_such_table_daily");

    assertThat(run.exitCode()).isNotZero();
  }
}
