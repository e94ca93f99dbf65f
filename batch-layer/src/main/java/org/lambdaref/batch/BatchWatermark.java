package org.lambdaref.batch;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.functions;
import org.lambdaref.model.BatchWatermarkRule;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/** The batch watermark ({@link BatchWatermarkRule}) read from the ledger with Spark. */
public final class BatchWatermark {

  private BatchWatermark() {}

  public static Optional<LocalDate> of(Lake lake) {
    if (!lake.exists(PlatformTables.BATCH_LEDGER)) {
      return Optional.empty();
    }
    List<String> periods = lake.read(PlatformTables.BATCH_LEDGER)
        .filter(functions.col("job").equalTo(AggregateJob.JOB_NAME).and(functions.col("status").equalTo(BatchWatermarkRule.SUCCEEDED)))
        .select("period").distinct().as(Encoders.STRING()).collectAsList();
    return BatchWatermarkRule.contiguousEnd(periods.stream().map(p -> LocalDate.parse(p, Partitions.DAY_FORMAT)).toList());
  }
}
