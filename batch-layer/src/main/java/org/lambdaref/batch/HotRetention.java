package org.lambdaref.batch;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.lambdaref.hot.HotTables;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;

/**
 * Hands days over from the speed layer to the batch layer, recorded in the ledger: the days the
 * batch covers ({@link LedgerCoverage}, the serving cut) go to {@link HotTables#retain}, which owns
 * the rule (covered days but the newest {@code keepDays}) and the deletes. What the batch side adds
 * is its coverage and the ledger row; a run before any day is covered removes and records nothing.
 */
public final class HotRetention {

  public static final String JOB_NAME = "hot_retention";

  private final Lake lake;

  public HotRetention(Lake lake) {
    this.lake = lake;
  }

  public HotTables.Retention run(int keepDays) {
    // published first: a day goes from the hot table only once the SQL views read it from t3
    BatchCoverage coverage = CoverageTable.publish(lake);
    HotTables hot = new HotTables(lake.config());
    if (coverage.newest().isEmpty()) {
      return hot.retain(lake.spark(), coverage, keepDays);
    }
    AtomicReference<HotTables.Retention> retention = new AtomicReference<>();
    new Ledger(lake)
        .record(
            JOB_NAME,
            "hot",
            Partitions.day(coverage.newest().get()),
            () -> {
              HotTables.Retention done = hot.retain(lake.spark(), coverage, keepDays);
              retention.set(done);
              return Ledger.Entry.rows(
                  done.rows(),
                  Map.of(
                      "newest_covered",
                      coverage.newest().get().toString(),
                      "removed_days",
                      done.removedDays().toString()));
            });
    return retention.get();
  }
}
