package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

class CoverageTableTest {

  @TempDir Path root;

  private Lake lake(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.put("platform.storage.root", root.toString());
    PlatformConfig config = ConfigLoader.load("local", all, Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "CoverageTableTest");
    return new Lake(spark, config);
  }

  private static void succeeded(Lake lake, String job, String period) {
    new Ledger(lake).record(job, "place_event", period, () -> Ledger.Entry.rows(0, Map.of()));
  }

  private static List<Row> rows(Lake lake) {
    return lake.read(PlatformTables.BATCH_COVERAGE).orderBy("p_ymd").collectAsList();
  }

  private static long version(Lake lake) {
    return DeltaTable.forPath(lake.spark(), lake.location(PlatformTables.BATCH_COVERAGE))
        .history(1)
        .first()
        .getLong(0);
  }

  @Test
  void aDayIsPublishedOnceItsAggregateSucceededAndKeepsItsFirstPublicationTime() {
    Lake lake = lake(Map.of());
    assertThat(CoverageTable.publish(lake).days()).isEmpty();
    assertThat(lake.exists(PlatformTables.BATCH_COVERAGE)).as("nothing to publish yet").isFalse();

    succeeded(lake, BatchCoverage.AGGREGATE_JOB, "20261103");
    assertThatThrownBy(
            () ->
                new Ledger(lake)
                    .record(
                        BatchCoverage.AGGREGATE_JOB,
                        "place_event",
                        "20261104",
                        () -> {
                          throw new IllegalStateException("the aggregate failed");
                        }))
        .hasMessageContaining("the aggregate failed");
    assertThat(CoverageTable.publish(lake).days()).containsExactly(LocalDate.of(2026, 11, 3));
    List<Row> first = rows(lake);
    assertThat(first).hasSize(1);
    assertThat(first.get(0).getString(0)).isEqualTo("place_event");
    assertThat(first.get(0).getString(1))
        .as("a failed aggregate covers nothing")
        .isEqualTo("20261103");
    Timestamp publishedAt = first.get(0).getTimestamp(2);
    long unchanged = version(lake);

    assertThat(CoverageTable.publish(lake).days()).containsExactly(LocalDate.of(2026, 11, 3));
    assertThat(version(lake)).as("no commit when nothing changed").isEqualTo(unchanged);

    // a backfill of an older day, out of order
    succeeded(lake, BatchCoverage.AGGREGATE_JOB, "20261101");
    assertThat(CoverageTable.publish(lake).days())
        .containsExactly(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 3));
    List<Row> after = rows(lake);
    assertThat(after).extracting(r -> r.getString(1)).containsExactly("20261101", "20261103");
    assertThat(after.get(1).getTimestamp(2)).as("kept").isEqualTo(publishedAt);
  }

  @Test
  void forASourceLoadedByHourADayIsCoveredOnlyOnceAllItsHoursAre() {
    Lake lake = lake(Map.of("platform.sources.place_event.period", "hour"));
    LocalDate day = LocalDate.of(2026, 11, 10);
    List<String> hours = BatchCoverage.hourIds(day);
    for (String hour : hours.subList(0, 23)) {
      succeeded(lake, BatchCoverage.HOURLY_AGGREGATE_JOB, hour);
    }
    succeeded(lake, BatchCoverage.AGGREGATE_JOB, Partitions.day(day));
    assertThat(CoverageTable.publish(lake).days()).as("hour 23 missing").isEmpty();

    succeeded(lake, BatchCoverage.HOURLY_AGGREGATE_JOB, hours.get(23));
    assertThat(CoverageTable.publish(lake).days()).containsExactly(day);
    assertThat(rows(lake)).extracting(r -> r.getString(1)).containsExactly("20261110");
  }

  @Test
  void theMergedViewReadsTheCutLiveFromTheTable() {
    Lake lake = lake(Map.of());
    succeeded(lake, BatchCoverage.AGGREGATE_JOB, "20261103");
    CoverageTable.publish(lake);
    lake.spark().sql("CREATE DATABASE IF NOT EXISTS ops");
    lake.spark()
        .sql(
            PlatformTables.BATCH_COVERAGE.createStatement(
                lake.location(PlatformTables.BATCH_COVERAGE)));
    String covered = MergedHourlyView.coveredByTable("place_event");
    String query =
        "SELECT p_ymd FROM VALUES ('20261102'), ('20261103'), ('20261104') AS t(p_ymd) WHERE "
            + covered
            + " ORDER BY p_ymd";

    assertThat(lake.spark().sql(query).collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("20261103");
    succeeded(lake, BatchCoverage.AGGREGATE_JOB, "20261104");
    CoverageTable.publish(lake);
    assertThat(lake.spark().sql(query).collectAsList())
        .as("the same predicate sees the new cut")
        .extracting(r -> r.getString(0))
        .containsExactly("20261103", "20261104");
  }
}
