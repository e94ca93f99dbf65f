package org.lambdaref.batch;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.PlatformTables.TableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands days over from the speed layer to the batch layer: once the batch has closed a day (the
 * {@link BatchWatermark}), that day's hot partitions are deleted, except the newest {@code
 * keepDays} closed days, kept as a margin for readers that still look at them. Deletes whole
 * partitions (a metadata-only Delta delete), and is recorded in the ledger.
 */
public final class HotRetention {

  private static final Logger LOG = LoggerFactory.getLogger(HotRetention.class);
  public static final String JOB_NAME = "hot_retention";

  /** What one run removed. */
  public record Result(Optional<LocalDate> watermark, Optional<LocalDate> removedThrough, Map<String, Long> rowsRemoved) {}

  private final Lake lake;

  public HotRetention(Lake lake) {
    this.lake = lake;
  }

  public Result run(int keepDays) {
    Optional<LocalDate> watermark = BatchWatermark.of(lake);
    if (watermark.isEmpty()) {
      return new Result(watermark, Optional.empty(), Map.of());
    }
    LocalDate through = watermark.get().minusDays(keepDays);
    String period = Partitions.day(through);
    Map<String, Long> removed = new LinkedHashMap<>();
    new Ledger(lake).record(JOB_NAME, "hot", period, () -> {
      long total = 0;
      for (TableSpec table : new TableSpec[] {PlatformTables.HOT_PLACE_EVENT, PlatformTables.HOT_PLACE_EVENT_QUARANTINE}) {
        if (!lake.exists(table)) {
          continue;
        }
        String condition = Partitions.DAY_COLUMN + " <= '" + period + "'";
        long rows = lake.read(table).filter(condition).count();
        if (rows > 0) {
          DeltaTable.forPath(lake.spark(), lake.location(table)).delete(condition);
        }
        removed.put(table.name().qualified(), rows);
        total += rows;
      }
      LOG.info("hot retention: batch watermark {}, removed hot partitions through {} ({} rows)",
          watermark.get(), through, total);
      return Ledger.Entry.rows(total, Map.of("watermark", watermark.get().toString()));
    });
    return new Result(watermark, Optional.of(through), removed);
  }
}
