package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

class MergedHourlyViewTest {

  @TempDir Path root;

  @Test
  void batchRowsUpToTheWatermarkAndHotEventsAfterItNeverBoth() {
    PlatformConfig config = ConfigLoader.load("local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "MergedHourlyViewTest");
    Lake lake = new Lake(spark, config);
    LocalDate d1 = LocalDate.of(2026, 11, 1);
    LocalDate d2 = d1.plusDays(1);
    StructType hourly = new StructType().add("place_id", DataTypes.StringType).add("action", DataTypes.StringType)
        .add("events", DataTypes.LongType).add(Partitions.DAY_COLUMN, DataTypes.StringType)
        .add(Partitions.HOUR_COLUMN, DataTypes.StringType);
    lake.replaceDay(spark.createDataFrame(List.of(RowFactory.create("p-1", "click", 5L, Partitions.day(d1), "03")), hourly),
        PlatformTables.PLACE_ACTION_1H, Partitions.day(d1));
    StructType hot = new StructType().add("event_id", DataTypes.StringType).add("place_id", DataTypes.StringType)
        .add("action", DataTypes.StringType).add(Partitions.DAY_COLUMN, DataTypes.StringType)
        .add(Partitions.HOUR_COLUMN, DataTypes.StringType);
    List<Row> hotRows = new ArrayList<>();
    for (int i = 0; i < 7; i++) { // 7 on d1 (the batch owns d1: not shown), 3 on d2
      hotRows.add(RowFactory.create("a" + i, "p-1", "click", Partitions.day(d1), "03"));
    }
    for (int i = 0; i < 3; i++) {
      hotRows.add(RowFactory.create("b" + i, "p-1", "click", Partitions.day(d2), "04"));
    }
    spark.createDataFrame(hotRows, hot).write().format("delta").partitionBy(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN)
        .save(lake.location(PlatformTables.HOT_PLACE_EVENT));
    new Ledger(lake).record(AggregateJob.JOB_NAME, "place_event", Partitions.day(d1), () -> Ledger.Entry.rows(1, Map.of()));
    for (var spec : List.of(PlatformTables.PLACE_ACTION_1H, PlatformTables.HOT_PLACE_EVENT)) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + spec.name().database());
      spark.sql("CREATE TABLE IF NOT EXISTS " + spec.name().qualified() + " USING DELTA LOCATION '" + lake.location(spec) + "'");
    }

    assertThat(MergedHourlyView.register(lake)).contains("2026-11-01");

    List<Row> rows = spark.sql("SELECT p_ymd, p_hh, events, source FROM " + MergedHourlyView.NAME + " ORDER BY p_ymd")
        .collectAsList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).mkString("|")).isEqualTo("20261101|03|5|batch");
    assertThat(rows.get(1).mkString("|")).isEqualTo("20261102|04|3|speed");
  }

  @Test
  void beforeAnyClosedDayEverythingComesFromTheHotTable() {
    assertThat(MergedHourlyView.definition(org.lambdaref.model.BatchCoverage.none(), true, true))
        .contains("WHERE false").doesNotContain("NOT IN");
  }
}
