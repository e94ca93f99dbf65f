package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
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
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * The SQL view over a Europe/Berlin fall-back night (2026-10-25: local 02:00 happens at 00:00Z
 * and again at 01:00Z). The covered day comes from the batch table, the next from the hot table,
 * and each keeps the two 02:00 hours apart. Expected rows are written out by hand from the rows
 * inserted.
 */
class MergedHourlyViewTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @TempDir Path root;

  @Test
  void coveredDaysFromTheBatchOtherDaysFromTheHotTableFallBackHoursApart() {
    PlatformConfig config = ConfigLoader.load("local",
        Map.of("platform.storage.root", root.toString(), "platform.timezone", BERLIN.getId()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "MergedHourlyViewTest");
    Lake lake = new Lake(spark, config);
    LocalDate d1 = LocalDate.of(2026, 10, 25); // fall back: 25 hours
    StructType hourly = new StructType().add("place_id", DataTypes.StringType).add("action", DataTypes.StringType)
        .add("events", DataTypes.LongType).add(Partitions.HOUR_START_COLUMN, DataTypes.TimestampType)
        .add(Partitions.DAY_COLUMN, DataTypes.StringType).add(Partitions.HOUR_COLUMN, DataTypes.StringType);
    lake.replaceDay(spark.createDataFrame(List.of(
            RowFactory.create("p-1", "click", 5L, ts("2026-10-25T00:00:00Z"), "20261025", "02"),
            RowFactory.create("p-1", "click", 4L, ts("2026-10-25T01:00:00Z"), "20261025", "02")), hourly),
        PlatformTables.PLACE_ACTION_1H, Partitions.day(d1));
    StructType hot = new StructType().add("event_id", DataTypes.StringType).add("event_time", DataTypes.TimestampType)
        .add("processing_time", DataTypes.TimestampType).add("place_id", DataTypes.StringType)
        .add("action", DataTypes.StringType).add(Partitions.DAY_COLUMN, DataTypes.StringType)
        .add(Partitions.HOUR_COLUMN, DataTypes.StringType);
    List<Row> hotRows = new ArrayList<>();
    for (int i = 0; i < 7; i++) { // 7 on d1 (the batch covers d1: not shown)
      hotRows.add(RowFactory.create("a" + i, ts("2026-10-25T00:10:00Z"), ts("2026-10-25T00:10:00Z"), "p-1", "click", "20261025", "02"));
    }
    for (int i = 0; i < 3; i++) { // d2 04:xx local (+01:00) = 03:xxZ
      hotRows.add(RowFactory.create("b" + i, ts("2026-10-26T03:0" + i + ":00Z"), ts("2026-10-26T03:0" + i + ":05Z"), "p-1", "click", "20261026", "04"));
    }
    // a day still in the hot table only, with a fall-back night: 2027-10-31, 02:00 local at 00:00Z and 01:00Z
    hotRows.add(RowFactory.create("c0", ts("2027-10-31T00:30:00Z"), ts("2027-10-31T00:30:01Z"), "p-1", "click", "20271031", "02"));
    hotRows.add(RowFactory.create("c1", ts("2027-10-31T01:30:00Z"), ts("2027-10-31T01:30:01Z"), "p-1", "click", "20271031", "02"));
    hotRows.add(RowFactory.create("c2", ts("2027-10-31T01:40:00Z"), ts("2027-10-31T01:40:01Z"), "p-1", "click", "20271031", "02"));
    spark.createDataFrame(hotRows, hot).write().format("delta").partitionBy(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN)
        .save(lake.location(PlatformTables.HOT_PLACE_EVENT));
    new Ledger(lake).record(AggregateJob.JOB_NAME, "place_event", Partitions.day(d1), () -> Ledger.Entry.rows(2, Map.of()));
    for (var spec : List.of(PlatformTables.PLACE_ACTION_1H, PlatformTables.HOT_PLACE_EVENT)) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + spec.name().database());
      spark.sql("CREATE TABLE IF NOT EXISTS " + spec.name().qualified() + " USING DELTA LOCATION '" + lake.location(spec) + "'");
    }

    assertThat(MergedHourlyView.register(lake)).contains("2026-10-25");

    List<String> rows = spark.sql("SELECT p_ymd, p_hh, hour_start, events, source FROM " + MergedHourlyView.NAME
            + " ORDER BY hour_start").collectAsList().stream()
        .map(r -> r.getString(0) + "|" + r.getString(1) + "|" + r.getTimestamp(2).toInstant() + "|" + r.getLong(3) + "|" + r.getString(4))
        .toList();
    assertThat(rows).containsExactly(
        "20261025|02|2026-10-25T00:00:00Z|5|batch",
        "20261025|02|2026-10-25T01:00:00Z|4|batch",
        "20261026|04|2026-10-26T03:00:00Z|3|speed",
        "20271031|02|2027-10-31T00:00:00Z|1|speed",
        "20271031|02|2027-10-31T01:00:00Z|2|speed");
  }

  @Test
  void beforeAnyClosedDayEverythingComesFromTheHotTable() {
    PlatformConfig config = ConfigLoader.load("local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    assertThat(MergedHourlyView.definition(BatchCoverage.none(), MergedHourlyView.BatchHours.WITH_START, true,
            config.timezone(), config.source("place_event")))
        .contains("WHERE false").doesNotContain("NOT IN");
  }

  private static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }
}
