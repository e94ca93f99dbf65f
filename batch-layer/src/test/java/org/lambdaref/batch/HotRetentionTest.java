package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.hot.HotTables;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

class HotRetentionTest {

  @TempDir Path root;

  @Test
  void removesHotDaysTheBatchClosedKeepingTheMargin() {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "HotRetentionTest");
    Lake lake = new Lake(spark, config);
    LocalDate first = LocalDate.of(2026, 11, 1);
    List<Map<String, ?>> rows = new ArrayList<>();
    for (int day = 0; day < 5; day++) {
      for (int i = 0; i < 3; i++) {
        rows.add(
            Map.of(
                "event_id",
                "e" + day + i,
                Partitions.DAY_COLUMN,
                Partitions.day(first.plusDays(day)),
                Partitions.HOUR_COLUMN,
                "0" + i));
      }
    }
    SparkSchemas.frame(spark, PlatformTables.HOT_PLACE_EVENT, rows)
        .write()
        .format("delta")
        .partitionBy(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN)
        .save(lake.location(PlatformTables.HOT_PLACE_EVENT));
    Ledger ledger = new Ledger(lake);
    // days 1-3 aggregated; day 5 too, after a gap at day 4 that must keep its hot partitions
    for (int day : new int[] {0, 1, 2, 4}) {
      ledger.record(
          AggregateJob.JOB_NAME,
          "place_event",
          Partitions.day(first.plusDays(day)),
          () -> Ledger.Entry.rows(0, Map.of()));
    }

    HotTables.Retention result = new HotRetention(lake).run(1);

    assertThat(result.newestCovered()).contains(first.plusDays(4));
    assertThat(result.removedDays())
        .as("the newest covered day kept as margin; the uncovered day 4 kept")
        .containsExactly(first, first.plusDays(1), first.plusDays(2));
    assertThat(
            lake.read(PlatformTables.HOT_PLACE_EVENT)
                .select(Partitions.DAY_COLUMN)
                .distinct()
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder(
            Partitions.day(first.plusDays(3)), Partitions.day(first.plusDays(4)));
    assertThat(
            lake.read(PlatformTables.BATCH_COVERAGE)
                .select(Partitions.DAY_COLUMN)
                .as(Encoders.STRING())
                .collectAsList())
        .as("published before the hot days went: the SQL views read them from t3 now")
        .containsExactlyInAnyOrder(
            Partitions.day(first),
            Partitions.day(first.plusDays(1)),
            Partitions.day(first.plusDays(2)),
            Partitions.day(first.plusDays(4)));
    assertThat(result.rowsRemoved())
        .containsEntry(PlatformTables.HOT_PLACE_EVENT.name().qualified(), 9L);

    assertThat(
            lake.read(PlatformTables.BATCH_LEDGER)
                .filter("job = 'hot_retention' and status = 'succeeded'")
                .count())
        .as("recorded in the ledger")
        .isEqualTo(1);

    // a backfill of an old day (no hot data) moves nothing back: the next run removes nothing new
    ledger.record(
        AggregateJob.JOB_NAME,
        "place_event",
        Partitions.day(first.minusDays(400)),
        () -> Ledger.Entry.rows(0, Map.of()));
    HotTables.Retention again = new HotRetention(lake).run(1);
    assertThat(again.newestCovered()).contains(first.plusDays(4));
    assertThat(again.removedDays()).isEmpty();
    assertThat(lake.read(PlatformTables.HOT_PLACE_EVENT).count())
        .as("days 4 and 5 untouched")
        .isEqualTo(6);
  }
}
