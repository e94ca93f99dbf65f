package org.lambdaref.batch;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.functions;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * The last day the batch layer has closed for the hourly batch view: the end of the unbroken run
 * of days whose aggregate job succeeded, starting at the first such day. A failed or missing day
 * stops the run, so that a later success never makes readers trust a gap.
 */
public final class BatchWatermark {

  private BatchWatermark() {}

  public static Optional<LocalDate> of(Lake lake) {
    if (!lake.exists(PlatformTables.BATCH_LEDGER)) {
      return Optional.empty();
    }
    List<String> periods = lake.read(PlatformTables.BATCH_LEDGER)
        .filter(functions.col("job").equalTo(AggregateJob.JOB_NAME).and(functions.col("status").equalTo("succeeded")))
        .select("period").distinct().as(Encoders.STRING()).collectAsList();
    return contiguousEnd(periods.stream().map(p -> LocalDate.parse(p, Partitions.DAY_FORMAT)).toList());
  }

  static Optional<LocalDate> contiguousEnd(List<LocalDate> days) {
    TreeSet<LocalDate> sorted = new TreeSet<>(days);
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    LocalDate end = sorted.first();
    while (sorted.contains(end.plusDays(1))) {
      end = end.plusDays(1);
    }
    return Optional.of(end);
  }
}
