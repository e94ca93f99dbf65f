package org.lambdaref.batch;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Columns;
import org.lambdaref.model.PartitionPredicates;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * The SQL face of the serving layer's merge: {@code serving.place_action_merged_hourly} has the
 * batch view's rows for the days the batch covers and the hot table's events, counted per place,
 * action and hour, for every other day ({@link BatchCoverage}). An analyst in {@code bin/lambda
 * sql} sees the numbers the HTTP API answers (the hot table and the DynamoDB counters are written
 * from the same deduplicated rows of each micro-batch).
 *
 * <p>Rows are hours keyed by {@code hour_start} ({@link HourStart}), so the two local 02:00 hours
 * of a fall-back night are two rows, as in the HTTP API; {@code p_hh} is kept for filtering.
 *
 * <p>The cut comes from {@code ops.batch_coverage} ({@link CoverageTable}), the days {@link
 * BatchCoverage} finds covered, which the batch adds to at the end of each run that aggregated: the
 * rule lives in Java once, and the view reads its result as data, as Trino's does. A lake the batch
 * has not published the table in yet gets the covered days of the moment as a list.
 */
public final class MergedHourlyView {

  public static final String NAME = "serving.place_action_merged_hourly";

  private MergedHourlyView() {}

  /**
   * Registers the view over the tables that exist (both tables must be registered by name already);
   * returns the newest covered day used ("none" before any), or empty when neither table exists.
   */
  public static Optional<String> register(Lake lake) {
    boolean batch = lake.exists(PlatformTables.PLACE_ACTION_1H);
    boolean hot = lake.exists(PlatformTables.HOT_PLACE_EVENT);
    if (!batch && !hot) {
      return Optional.empty();
    }
    BatchCoverage coverage = LedgerCoverage.of(lake);
    lake.spark().sql("CREATE DATABASE IF NOT EXISTS serving");
    boolean batchHasStart =
        batch
            && Arrays.asList(
                    lake.spark().table(PlatformTables.PLACE_ACTION_1H.name().qualified()).columns())
                .contains(Columns.HOUR_START.name());
    lake.spark()
        .sql(
            "CREATE OR REPLACE VIEW "
                + NAME
                + " AS "
                + definition(
                    lake.exists(PlatformTables.BATCH_COVERAGE)
                        ? coveredByTable(lake.config().eventSource().name())
                        : coveredDays(coverage),
                    batch
                        ? (batchHasStart ? BatchHours.WITH_START : BatchHours.PARTITION_ONLY)
                        : BatchHours.NONE,
                    hot,
                    lake.config().timezone(),
                    lake.config().eventSource()));
    return Optional.of(coverage.newest().map(Object::toString).orElse("none"));
  }

  /**
   * What the batch hourly table offers: nothing, its partition values only (written before
   * hour_start), or hour_start.
   */
  enum BatchHours {
    NONE,
    PARTITION_ONLY,
    WITH_START
  }

  /**
   * The serving cut as a SQL predicate over {@code p_ymd}, read from {@code ops.batch_coverage}
   * (which the batch keeps equal to {@link BatchCoverage} of the ledger): live, and the same text
   * in every engine's merged view.
   */
  public static String coveredByTable(String source) {
    return Partitions.DAY_COLUMN
        + " IN (SELECT "
        + Columns.P_YMD.name()
        + " FROM "
        + PlatformTables.BATCH_COVERAGE.name().qualified()
        + " WHERE "
        + Columns.SOURCE.name()
        + " = '"
        + source.replace("'", "''")
        + "')";
  }

  /** The cut as a list of the days covered now: for a lake the batch has not published it in. */
  static String coveredDays(BatchCoverage coverage) {
    List<String> coveredDays = coverage.days().stream().map(Partitions::day).toList();
    return coveredDays.isEmpty() ? "false" : PartitionPredicates.days(coveredDays);
  }

  static String definition(
      BatchCoverage coverage, BatchHours batch, boolean hot, ZoneId zone, SourceConfig source) {
    return definition(coveredDays(coverage), batch, hot, zone, source);
  }

  static String definition(
      String covered, BatchHours batch, boolean hot, ZoneId zone, SourceConfig source) {
    String day = Partitions.DAY_COLUMN;
    String hour = Partitions.HOUR_COLUMN;
    // the serving cut in SQL: a day the batch covers comes from t3, any other day from the hot
    // table
    String keys = Columns.PLACE_ID.name() + ", " + Columns.ACTION.name();
    String events = Columns.EVENTS.name();
    // the columns both parts share: place, action, partitions, and the hour start as computed
    Function<String, String> grouped =
        start ->
            keys + ", " + day + ", " + hour + ", " + start + " AS " + Columns.HOUR_START.name();
    List<String> parts = new ArrayList<>();
    if (batch != BatchHours.NONE) {
      String start =
          batch == BatchHours.WITH_START
              ? "coalesce("
                  + Columns.HOUR_START.name()
                  + ", "
                  + HourStart.sqlOfPartition(day, hour, zone)
                  + ")"
              : HourStart.sqlOfPartition(day, hour, zone);
      parts.add(
          "SELECT "
              + grouped.apply(start)
              + ", "
              + events
              + ", 'batch' AS source FROM "
              + PlatformTables.PLACE_ACTION_1H.name().qualified()
              + " WHERE "
              + covered);
    }
    if (hot) {
      String start = HourStart.sql(source.timeBasis().column().name(), zone);
      parts.add(
          "SELECT "
              + grouped.apply(start)
              + ", COUNT(*) AS "
              + events
              + ", 'speed' AS source FROM "
              + PlatformTables.HOT_PLACE_EVENT.name().qualified()
              + " WHERE NOT ("
              + covered
              + ")"
              + " GROUP BY "
              + keys
              + ", "
              + day
              + ", "
              + hour
              + ", "
              + start);
    }
    return String.join(" UNION ALL ", parts);
  }
}
