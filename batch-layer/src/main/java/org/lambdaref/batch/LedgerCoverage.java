package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.BatchCoverage.LedgerRun;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;

/** The days the batch view covers ({@link BatchCoverage}), read from the ledger with Spark. */
public final class LedgerCoverage {

  private LedgerCoverage() {}

  /**
   * Coverage of the event source's batch view, judged by how the source is loaded (days or hours).
   */
  public static BatchCoverage of(Lake lake) {
    SourceConfig source = lake.config().eventSource();
    if (!lake.exists(PlatformTables.BATCH_LEDGER)) {
      return BatchCoverage.none();
    }
    List<Row> rows =
        lake.read(PlatformTables.BATCH_LEDGER)
            .filter(
                col("source")
                    .equalTo(source.name())
                    .and(
                        col("job")
                            .isin(BatchCoverage.AGGREGATE_JOB, BatchCoverage.HOURLY_AGGREGATE_JOB))
                    .and(col("status").equalTo(RunStatus.SUCCEEDED.wire())))
            .select("job", "period", "status", "details", "ended_at")
            .collectAsList();
    return BatchCoverage.of(
        rows.stream()
            .map(
                r ->
                    new LedgerRun(
                        r.getString(0),
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.isNullAt(4) ? Instant.EPOCH : r.getTimestamp(4).toInstant()))
            .toList(),
        source.period());
  }
}
