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
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * The SQL view over a Europe/Berlin fall-back night (2026-10-25: local 02:00 happens at 00:00Z and
 * again at 01:00Z). The covered day comes from the batch table, the next from the hot table, and
 * each keeps the two 02:00 hours apart. Expected rows are written out by hand from the rows
 * inserted.
 */
class MergedHourlyViewTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @TempDir Path root;

  @Test
  void coveredDaysFromTheBatchOtherDaysFromTheHotTableFallBackHoursApart() {
    PlatformConfig config =
        ConfigLoader.load(
            "local",
            Map.of("platform.storage.root", root.toString(), "platform.timezone", BERLIN.getId()),
            Map.of(),
            root);
    SparkSession spark = SparkSessions.getOrCreate(config, "MergedHourlyViewTest");
    Lake lake = new Lake(spark, config);
    LocalDate d1 = LocalDate.of(2026, 10, 25); // fall back: 25 hours
    lake.replaceDay(
        SparkSchemas.frame(
            spark,
            PlatformTables.PLACE_ACTION_1H,
            List.of(
                hourly("p-1", "click", 5L, ts("2026-10-25T00:00:00Z"), "20261025", "02"),
                hourly("p-1", "click", 4L, ts("2026-10-25T01:00:00Z"), "20261025", "02"))),
        PlatformTables.PLACE_ACTION_1H,
        Partitions.day(d1));
    List<Map<String, ?>> hotRows = new ArrayList<>();
    for (int i = 0; i < 7; i++) { // 7 on d1 (the batch covers d1: not shown)
      hotRows.add(
          hot(
              "a" + i,
              ts("2026-10-25T00:10:00Z"),
              ts("2026-10-25T00:10:00Z"),
              "p-1",
              "click",
              "20261025",
              "02"));
    }
    for (int i = 0; i < 3; i++) { // d2 04:xx local (+01:00) = 03:xxZ
      hotRows.add(
          hot(
              "b" + i,
              ts("2026-10-26T03:0" + i + ":00Z"),
              ts("2026-10-26T03:0" + i + ":05Z"),
              "p-1",
              "click",
              "20261026",
              "04"));
    }
    // a day still in the hot table only, with a fall-back night: 2027-10-31, 02:00 local at 00:00Z
    // and 01:00Z
    hotRows.add(
        hot(
            "c0",
            ts("2027-10-31T00:30:00Z"),
            ts("2027-10-31T00:30:01Z"),
            "p-1",
            "click",
            "20271031",
            "02"));
    hotRows.add(
        hot(
            "c1",
            ts("2027-10-31T01:30:00Z"),
            ts("2027-10-31T01:30:01Z"),
            "p-1",
            "click",
            "20271031",
            "02"));
    hotRows.add(
        hot(
            "c2",
            ts("2027-10-31T01:40:00Z"),
            ts("2027-10-31T01:40:01Z"),
            "p-1",
            "click",
            "20271031",
            "02"));
    SparkSchemas.frame(spark, PlatformTables.HOT_PLACE_EVENT, hotRows)
        .write()
        .format("delta")
        .partitionBy(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN)
        .save(lake.location(PlatformTables.HOT_PLACE_EVENT));
    new Ledger(lake)
        .record(
            AggregateJob.JOB_NAME,
            "place_event",
            Partitions.day(d1),
            () -> Ledger.Entry.rows(2, Map.of()));
    for (var spec : List.of(PlatformTables.PLACE_ACTION_1H, PlatformTables.HOT_PLACE_EVENT)) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + spec.name().database());
      spark.sql(
          "CREATE TABLE IF NOT EXISTS "
              + spec.name().qualified()
              + " USING DELTA LOCATION '"
              + lake.location(spec)
              + "'");
    }

    assertThat(MergedHourlyView.register(lake)).contains("2026-10-25");

    List<String> rows =
        spark
            .sql(
                "SELECT p_ymd, p_hh, hour_start, events, source FROM "
                    + MergedHourlyView.NAME
                    + " ORDER BY hour_start")
            .collectAsList()
            .stream()
            .map(
                r ->
                    r.getString(0)
                        + "|"
                        + r.getString(1)
                        + "|"
                        + r.getTimestamp(2).toInstant()
                        + "|"
                        + r.getLong(3)
                        + "|"
                        + r.getString(4))
            .toList();
    assertThat(rows)
        .containsExactly(
            "20261025|02|2026-10-25T00:00:00Z|5|batch",
            "20261025|02|2026-10-25T01:00:00Z|4|batch",
            "20261026|04|2026-10-26T03:00:00Z|3|speed",
            "20271031|02|2027-10-31T00:00:00Z|1|speed",
            "20271031|02|2027-10-31T01:00:00Z|2|speed");
  }

  @Test
  void beforeAnyClosedDayEverythingComesFromTheHotTable() {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    assertThat(
            MergedHourlyView.definition(
                BatchCoverage.none(),
                MergedHourlyView.BatchHours.WITH_START,
                true,
                config.timezone(),
                config.source("place_event")))
        .contains("WHERE false")
        .doesNotContain("NOT IN");
  }

  private static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  private static Map<String, ?> hourly(
      String place, String action, long events, Timestamp start, String ymd, String hh) {
    return Map.of(
        "place_id",
        place,
        "action",
        action,
        "events",
        events,
        Columns.HOUR_START.name(),
        start,
        Partitions.DAY_COLUMN,
        ymd,
        Partitions.HOUR_COLUMN,
        hh);
  }

  private static Map<String, ?> hot(
      String id,
      Timestamp event,
      Timestamp processing,
      String place,
      String action,
      String ymd,
      String hh) {
    return Map.of(
        "event_id",
        id,
        "event_time",
        event,
        "processing_time",
        processing,
        "place_id",
        place,
        "action",
        action,
        Partitions.DAY_COLUMN,
        ymd,
        Partitions.HOUR_COLUMN,
        hh);
  }
}
