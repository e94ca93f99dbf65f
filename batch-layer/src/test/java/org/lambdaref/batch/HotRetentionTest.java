package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
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
import org.lambdaref.model.BatchWatermarkRule;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

class HotRetentionTest {

  @TempDir Path root;

  @Test
  void theWatermarkIsTheEndOfTheUnbrokenRunOfAggregatedDays() {
    LocalDate d = LocalDate.of(2026, 11, 1);
    assertThat(BatchWatermarkRule.contiguousEnd(List.of())).isEmpty();
    assertThat(BatchWatermarkRule.contiguousEnd(List.of(d, d.plusDays(1), d.plusDays(2)))).contains(d.plusDays(2));
    assertThat(BatchWatermarkRule.contiguousEnd(List.of(d, d.plusDays(1), d.plusDays(3))))
        .as("a missing day stops the watermark before the gap").contains(d.plusDays(1));
  }

  @Test
  void removesHotDaysTheBatchClosedKeepingTheMargin() {
    PlatformConfig config = ConfigLoader.load("local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "HotRetentionTest");
    Lake lake = new Lake(spark, config);
    LocalDate first = LocalDate.of(2026, 11, 1);
    StructType schema = new StructType().add("event_id", DataTypes.StringType)
        .add(Partitions.DAY_COLUMN, DataTypes.StringType).add(Partitions.HOUR_COLUMN, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int day = 0; day < 5; day++) {
      for (int i = 0; i < 3; i++) {
        rows.add(RowFactory.create("e" + day + i, Partitions.day(first.plusDays(day)), "0" + i));
      }
    }
    spark.createDataFrame(rows, schema).write().format("delta").partitionBy(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN)
        .save(lake.location(PlatformTables.HOT_PLACE_EVENT));
    Ledger ledger = new Ledger(lake);
    // days 1-3 aggregated; day 5 too, after a gap at day 4 that the watermark must not jump
    for (int day : new int[] {0, 1, 2, 4}) {
      ledger.record(AggregateJob.JOB_NAME, "place_event", Partitions.day(first.plusDays(day)), () -> Ledger.Entry.rows(0, Map.of()));
    }

    HotRetention.Result result = new HotRetention(lake).run(1);

    assertThat(result.watermark()).contains(first.plusDays(2));
    assertThat(result.removedThrough()).as("one closed day kept as margin").contains(first.plusDays(1));
    assertThat(lake.read(PlatformTables.HOT_PLACE_EVENT).select(Partitions.DAY_COLUMN).distinct()
        .as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder(Partitions.day(first.plusDays(2)), Partitions.day(first.plusDays(3)),
            Partitions.day(first.plusDays(4)));
    assertThat(result.rowsRemoved()).containsEntry(PlatformTables.HOT_PLACE_EVENT.name().qualified(), 6L);
    assertThat(lake.read(PlatformTables.BATCH_LEDGER).filter("job = 'hot_retention' and status = 'succeeded'").count())
        .as("recorded in the ledger").isEqualTo(1);
  }
}
