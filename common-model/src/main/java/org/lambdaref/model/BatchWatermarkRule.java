package org.lambdaref.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where the batch view ends and the real-time view begins, in one place for every reader: the
 * batch layer's hot retention (Spark), the serving layer (Delta Kernel) and the merged SQL view.
 *
 * <p>The watermark is the last day of the unbroken run of days whose aggregate job succeeded,
 * starting at the first such day. A failed or missing day stops the run, so that a later success
 * never makes readers trust a gap. Readers take a bucket from the batch view when its day (in the
 * platform zone) is at or before the watermark, and from the real-time view after it.
 */
public final class BatchWatermarkRule {

  /** The ledger's job name of the job that writes the hourly and daily batch views. */
  public static final String AGGREGATE_JOB = "aggregate_place";

  /** The ledger status of a run whose writes are all committed. */
  public static final String SUCCEEDED = "succeeded";

  private BatchWatermarkRule() {}

  /** The watermark given the days whose aggregate job succeeded (any order, duplicates allowed). */
  public static Optional<LocalDate> contiguousEnd(Collection<LocalDate> succeededDays) {
    TreeSet<LocalDate> sorted = new TreeSet<>(succeededDays);
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    LocalDate end = sorted.first();
    while (sorted.contains(end.plusDays(1))) {
      end = end.plusDays(1);
    }
    return Optional.of(end);
  }

  /**
   * The first instant served by the real-time view: the start of the day after the watermark in
   * {@code zone}, or {@link Instant#MIN} when no day is closed (everything is real-time).
   */
  public static Instant speedFrom(Optional<LocalDate> watermark, ZoneId zone) {
    return watermark.map(d -> d.plusDays(1).atStartOfDay(zone).toInstant()).orElse(Instant.MIN);
  }
}
