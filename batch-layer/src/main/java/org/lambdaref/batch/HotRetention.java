package org.lambdaref.batch;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.PartitionPredicates;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands days over from the speed layer to the batch layer: the hot partitions of the days the batch
 * covers ({@link BatchCoverage}, the serving cut) are deleted, except those of the newest {@code
 * keepDays} covered days, kept as a margin for readers that still look at them. A day the batch
 * does not cover keeps its hot partitions whatever is covered after it. Deletes whole partitions (a
 * metadata-only Delta delete), and is recorded in the ledger.
 */
public final class HotRetention {

  private static final Logger LOG = LoggerFactory.getLogger(HotRetention.class);
  public static final String JOB_NAME = "hot_retention";

  /** What one run removed: the newest covered day, and the days whose hot partitions went. */
  public record Result(
      Optional<LocalDate> newestCovered,
      List<LocalDate> removedDays,
      Map<String, Long> rowsRemoved) {}

  private final Lake lake;

  public HotRetention(Lake lake) {
    this.lake = lake;
  }

  public Result run(int keepDays) {
    BatchCoverage coverage = LedgerCoverage.of(lake, MergedHourlyView.SOURCE);
    if (coverage.newest().isEmpty()) {
      return new Result(Optional.empty(), List.of(), Map.of());
    }
    List<LocalDate> covered = new ArrayList<>(coverage.days());
    List<LocalDate> removable = covered.subList(0, Math.max(0, covered.size() - keepDays));
    Set<String> removableIds =
        removable.stream().map(Partitions::day).collect(Collectors.toCollection(TreeSet::new));
    Map<String, Long> removed = new LinkedHashMap<>();
    TreeSet<LocalDate> removedDays = new TreeSet<>();
    String period = Partitions.day(coverage.newest().get());
    new Ledger(lake)
        .record(
            JOB_NAME,
            "hot",
            period,
            () -> {
              long total = 0;
              for (TableSpec table :
                  new TableSpec[] {
                    PlatformTables.HOT_PLACE_EVENT, PlatformTables.HOT_PLACE_EVENT_QUARANTINE
                  }) {
                if (!lake.exists(table)) {
                  continue;
                }
                // the covered days this table still holds, from its file list (no data is read)
                List<String> days =
                    SparkSchemas.daysHeld(lake.read(table)).stream()
                        .filter(removableIds::contains)
                        .sorted()
                        .toList();
                long rows = 0;
                if (!days.isEmpty()) {
                  String condition = PartitionPredicates.days(days);
                  rows = lake.read(table).filter(condition).count();
                  DeltaTable.forPath(lake.spark(), lake.location(table)).delete(condition);
                  days.forEach(d -> removedDays.add(LocalDate.parse(d, Partitions.DAY_FORMAT)));
                }
                removed.put(table.name().qualified(), rows);
                total += rows;
              }
              LOG.info(
                  "hot retention: {} covered day(s), newest {}; removed the hot partitions of {} ({} rows)",
                  covered.size(),
                  coverage.newest().get(),
                  removedDays,
                  total);
              return Ledger.Entry.rows(
                  total,
                  Map.of(
                      "newest_covered",
                      coverage.newest().get().toString(),
                      "removed_days",
                      removedDays.toString()));
            });
    return new Result(coverage.newest(), List.copyOf(removedDays), removed);
  }
}
