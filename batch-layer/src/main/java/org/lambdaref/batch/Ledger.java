package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Period;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ops.batch_ledger}: one row per job, period and run, with the record accounting of the
 * collect job ({@code owned = accepted + duplicates + late + rejected}) and the rows each other job
 * wrote, per sink. Appended after the job's own writes, so "succeeded" means the data is there.
 */
public final class Ledger {

  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

  /** What a job reports about one period. */
  public record Entry(
      long linesRead,
      long owned,
      long accepted,
      long duplicates,
      long late,
      long rejected,
      long rowsWritten,
      Map<String, String> details) {

    public static Entry rows(long rowsWritten, Map<String, String> details) {
      return new Entry(0, 0, 0, 0, 0, 0, rowsWritten, details);
    }
  }

  static final StructType SCHEMA = SparkSchemas.of(PlatformTables.BATCH_LEDGER);

  private final Lake lake;

  public Ledger(Lake lake) {
    this.lake = lake;
  }

  /** Runs {@code job} for {@code period} and records it (see below). */
  Entry record(PeriodJob job, Period period) {
    PeriodJob.Id id = job.id(period);
    return record(id.job(), id.source(), period.id(), () -> job.write(period));
  }

  /** Runs {@code work}, then records it as succeeded, or as failed with its cause and rethrows. */
  public Entry record(String job, String source, String period, Supplier<Entry> work) {
    Instant started = Instant.now();
    String runId = UUID.randomUUID().toString();
    try {
      Entry entry = work.get();
      write(job, source, period, runId, RunStatus.SUCCEEDED, entry, started, null);
      return entry;
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes, yet thrown here
      LOG.error("{} for {} failed: {}", job, period, e.getMessage());
      try {
        write(
            job,
            source,
            period,
            runId,
            RunStatus.FAILED,
            Entry.rows(0, Map.of()),
            started,
            String.valueOf(e.getMessage()));
      } catch (RuntimeException ledgerDown) {
        // the ledger lives in the same storage: when that is down, the job's own cause is the news
        LOG.warn(
            "{} for {}: the failure could not be recorded in the ledger either: {}",
            job,
            period,
            Errors.rootCause(ledgerDown));
        e.addSuppressed(ledgerDown);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Of {@code periods}, those whose latest row for {@code job} says succeeded. */
  public Set<String> succeeded(String job, Collection<String> periods) {
    if (!lake.exists(PlatformTables.BATCH_LEDGER) || periods.isEmpty()) {
      return Set.of();
    }
    var latest = max_by(col("status"), col("ended_at"));
    return lake
        .read(PlatformTables.BATCH_LEDGER)
        .filter(col("job").equalTo(job).and(col("period").isin(periods.toArray())))
        .groupBy("period")
        .agg(latest.as("status"))
        .filter(col("status").equalTo(RunStatus.SUCCEEDED.wire()))
        .select("period")
        .as(Encoders.STRING())
        .collectAsList()
        .stream()
        .collect(Collectors.toSet());
  }

  /**
   * Of {@code periods}, the details of the latest row for {@code job} where that row says succeeded
   * (a period whose latest row failed, or that has none, is absent).
   */
  public Map<String, String> latestSucceededDetails(String job, Collection<String> periods) {
    if (!lake.exists(PlatformTables.BATCH_LEDGER) || periods.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    for (Row r :
        lake.read(PlatformTables.BATCH_LEDGER)
            .filter(col("job").equalTo(job).and(col("period").isin(periods.toArray())))
            .groupBy("period")
            .agg(
                max_by(col("status"), col("ended_at")).as("status"),
                max_by(col("details"), col("ended_at")).as("details"))
            .filter(col("status").equalTo(RunStatus.SUCCEEDED.wire()))
            .collectAsList()) {
      out.put(r.getString(0), r.isNullAt(2) ? "" : r.getString(2));
    }
    return out;
  }

  private void write(
      String job,
      String source,
      String period,
      String runId,
      RunStatus status,
      Entry e,
      Instant started,
      String error) {
    var row =
        RowFactory.create(
            job,
            source,
            period,
            runId,
            status.wire(),
            e.linesRead(),
            e.owned(),
            e.accepted(),
            e.duplicates(),
            e.late(),
            e.rejected(),
            e.rowsWritten(),
            new TreeMap<>(e.details()).toString(),
            Timestamp.from(started),
            Timestamp.from(Instant.now()),
            error);
    lake.append(lake.spark().createDataFrame(List.of(row), SCHEMA), PlatformTables.BATCH_LEDGER);
  }
}
