package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code ops.batch_coverage}: the days {@link BatchCoverage} finds covered in the ledger,
 * one row per event source and day, so that any engine (Trino, Athena, Spark) can define the merged
 * view in plain SQL and read the same cut the HTTP API uses. The rule stays in {@link
 * BatchCoverage}; this table is its result, added to at the end of every batch run that aggregated
 * and before every hot retention (which must never remove a day the table does not list yet: the
 * views would then read that day from neither side), in one Delta commit per change.
 */
public final class CoverageTable {

  private static final Logger LOG = LoggerFactory.getLogger(CoverageTable.class);

  private CoverageTable() {}

  /**
   * Adds the days the ledger now shows covered; returns the coverage published. A day keeps the
   * {@code covered_at} it first had; nothing is written when nothing is new. One writer at a time
   * in this JVM.
   */
  public static synchronized BatchCoverage publish(Lake lake) {
    long started = System.nanoTime();
    String source = lake.config().eventSource().name();
    BatchCoverage coverage = LedgerCoverage.of(lake);
    List<LocalDate> covered = new ArrayList<>(coverage.days());
    Map<String, Timestamp> published = new HashMap<>();
    if (lake.exists(PlatformTables.BATCH_COVERAGE)) {
      for (Row r :
          lake.read(PlatformTables.BATCH_COVERAGE)
              .filter(col(Columns.SOURCE.name()).equalTo(source))
              .select(Columns.P_YMD.name(), Columns.COVERED_AT.name())
              .collectAsList()) {
        published.put(r.getString(0), r.getTimestamp(1));
      }
    }
    List<String> missing =
        covered.stream().map(Partitions::day).filter(d -> !published.containsKey(d)).toList();
    if (missing.isEmpty()) {
      return coverage;
    }
    // appended, never rewritten: coverage only grows (a failed rerun leaves a day covered), and
    // two publishers at once (a batch and 'lambda hot-retention') can at worst list a day twice,
    // which the views' IN (...) does not see; a rewrite from an older read could drop a day
    Timestamp now = Timestamp.from(Instant.now());
    List<Map<String, ?>> rows = new ArrayList<>();
    for (String day : missing) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put(Columns.SOURCE.name(), source);
      row.put(Columns.P_YMD.name(), day);
      row.put(Columns.COVERED_AT.name(), now);
      rows.add(row);
    }
    lake.append(
        SparkSchemas.frame(lake.spark(), PlatformTables.BATCH_COVERAGE, rows),
        PlatformTables.BATCH_COVERAGE);
    LOG.info(
        "ops.batch_coverage: {} day(s) of {} covered, {} new, published in {} ms",
        covered.size(),
        source,
        missing.size(),
        (System.nanoTime() - started) / 1_000_000);
    return coverage;
  }
}
