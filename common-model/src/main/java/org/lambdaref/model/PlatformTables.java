package org.lambdaref.model;

import static org.lambdaref.model.Columns.ACCEPTED;
import static org.lambdaref.model.Columns.ACTION;
import static org.lambdaref.model.Columns.ARRIVAL_HOUR;
import static org.lambdaref.model.Columns.CHANGE;
import static org.lambdaref.model.Columns.CLICKS;
import static org.lambdaref.model.Columns.COLUMN_NAME;
import static org.lambdaref.model.Columns.COVERED_AT;
import static org.lambdaref.model.Columns.DETAIL;
import static org.lambdaref.model.Columns.DETAILS;
import static org.lambdaref.model.Columns.DETECTED_AT;
import static org.lambdaref.model.Columns.DUPLICATES;
import static org.lambdaref.model.Columns.ENDED_AT;
import static org.lambdaref.model.Columns.ERROR;
import static org.lambdaref.model.Columns.EVENT;
import static org.lambdaref.model.Columns.EVENTS;
import static org.lambdaref.model.Columns.EVENT_DAY;
import static org.lambdaref.model.Columns.HOUR_START;
import static org.lambdaref.model.Columns.IMPRESSIONS;
import static org.lambdaref.model.Columns.JOB;
import static org.lambdaref.model.Columns.KAFKA_OFFSET;
import static org.lambdaref.model.Columns.KAFKA_PARTITION;
import static org.lambdaref.model.Columns.KAFKA_TIMESTAMP;
import static org.lambdaref.model.Columns.KAFKA_TOPIC;
import static org.lambdaref.model.Columns.LATE;
import static org.lambdaref.model.Columns.LINES_READ;
import static org.lambdaref.model.Columns.NEW_TYPE;
import static org.lambdaref.model.Columns.OWNED;
import static org.lambdaref.model.Columns.OWNER_PERIOD;
import static org.lambdaref.model.Columns.PERIOD;
import static org.lambdaref.model.Columns.PLACES;
import static org.lambdaref.model.Columns.PLACE_CATEGORY;
import static org.lambdaref.model.Columns.PLACE_ID;
import static org.lambdaref.model.Columns.PLACE_NAME;
import static org.lambdaref.model.Columns.PLACE_REGION;
import static org.lambdaref.model.Columns.PREVIOUS_TYPE;
import static org.lambdaref.model.Columns.P_HH;
import static org.lambdaref.model.Columns.P_YMD;
import static org.lambdaref.model.Columns.RAW_LINE;
import static org.lambdaref.model.Columns.RAW_VALUE;
import static org.lambdaref.model.Columns.REASON;
import static org.lambdaref.model.Columns.REJECTED;
import static org.lambdaref.model.Columns.ROWS_WRITTEN;
import static org.lambdaref.model.Columns.RUN_ID;
import static org.lambdaref.model.Columns.SELLER_ID;
import static org.lambdaref.model.Columns.SOURCE;
import static org.lambdaref.model.Columns.SOURCE_FILE;
import static org.lambdaref.model.Columns.STARTED_AT;
import static org.lambdaref.model.Columns.STATUS;
import static org.lambdaref.model.Columns.TABLE_NAME;
import static org.lambdaref.model.Columns.UNIQUE_USERS;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every table the platform owns, with its columns and partitioning: the one declaration that the
 * writers build their frames from, readers ask columns of, and {@code lambda tables}, catalog
 * registration and the jobs share.
 */
public final class PlatformTables {

  private static final List<String> DAILY = List.of(Partitions.DAY_COLUMN);
  private static final List<String> HOURLY = List.of(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN);

  public static final TableSpec PLACE_EVENT =
      spec(
          "t1_log.place_event_timeseries_hourly",
          HOURLY,
          "valid, deduplicated place events",
          EVENT,
          SOURCE_FILE,
          P_YMD,
          P_HH);
  public static final TableSpec PLACE_EVENT_QUARANTINE =
      spec(
          "t1_log.place_event_quarantine_timeseries_daily",
          DAILY,
          "rejected raw lines with reasons",
          RAW_LINE,
          REASON,
          DETAIL,
          SOURCE_FILE,
          ARRIVAL_HOUR,
          OWNER_PERIOD,
          P_YMD);
  public static final TableSpec PLACE_EVENT_LATE =
      spec(
          "t1_log.place_event_late_timeseries_daily",
          DAILY,
          "events that arrived after their day closed",
          EVENT,
          SOURCE_FILE,
          EVENT_DAY,
          OWNER_PERIOD,
          P_YMD);

  /**
   * The place master's columns as its JDBC table has them, plus the day; the platform needs {@code
   * place_id}.
   */
  public static final TableSpec PLACE_SNAPSHOT =
      new TableSpec(
          TableName.parse("t1_db.place_snapshot_daily"),
          List.of(PLACE_ID, P_YMD),
          DAILY,
          true,
          "daily snapshot of the place master table");

  public static final TableSpec PLACE_EVENT_ENRICHED =
      spec(
          "t2.place_event_enriched_timeseries_hourly",
          HOURLY,
          "events joined with the day's place snapshot",
          EVENT,
          P_YMD,
          P_HH,
          PLACE_NAME,
          PLACE_CATEGORY,
          PLACE_REGION,
          SELLER_ID);
  public static final TableSpec PLACE_ACTION_1H =
      spec(
          "t3.place_action_aggr_1h_hourly",
          HOURLY,
          "events per place, action and hour (batch view)",
          PLACE_ID,
          ACTION,
          P_YMD,
          P_HH,
          HOUR_START,
          EVENTS);
  public static final TableSpec PLACE_IMPRESSION_1D =
      spec(
          "t3.place_impression_aggr_1d_daily",
          DAILY,
          "impressions, clicks, unique users per place and day",
          PLACE_ID,
          IMPRESSIONS,
          CLICKS,
          UNIQUE_USERS,
          P_YMD);
  public static final TableSpec PLACE_IMPRESSION_30D =
      spec(
          "t3.place_impression_aggr_30d_daily",
          DAILY,
          "the same over the 30 days ending on p_ymd",
          PLACE_ID,
          IMPRESSIONS,
          CLICKS,
          UNIQUE_USERS,
          P_YMD);
  public static final TableSpec SELLER_PLACE_1D =
      spec(
          "t3.seller_place_aggr_1d_daily",
          DAILY,
          "per seller and day, exported to JDBC",
          SELLER_ID,
          PLACES,
          IMPRESSIONS,
          CLICKS,
          UNIQUE_USERS,
          P_YMD);
  public static final TableSpec HOT_PLACE_EVENT =
      spec(
          "hot.place_event_timeseries_hourly",
          HOURLY,
          "speed layer: valid events within a minute",
          EVENT,
          KAFKA_PARTITION,
          KAFKA_OFFSET,
          KAFKA_TIMESTAMP,
          P_YMD,
          P_HH);
  public static final TableSpec HOT_PLACE_EVENT_QUARANTINE =
      spec(
          "hot.place_event_quarantine_timeseries_hourly",
          HOURLY,
          "speed layer: rejected records",
          REASON,
          DETAIL,
          RAW_VALUE,
          KAFKA_TOPIC,
          KAFKA_PARTITION,
          KAFKA_OFFSET,
          KAFKA_TIMESTAMP,
          P_YMD,
          P_HH);
  public static final TableSpec BATCH_LEDGER =
      spec(
          "ops.batch_ledger",
          List.of(),
          "one row per job, period and run, with record accounting",
          JOB,
          SOURCE,
          PERIOD,
          RUN_ID,
          STATUS,
          LINES_READ,
          OWNED,
          ACCEPTED,
          DUPLICATES,
          LATE,
          REJECTED,
          ROWS_WRITTEN,
          DETAILS,
          STARTED_AT,
          ENDED_AT,
          ERROR);

  /**
   * The serving cut as data: one row per event source and day the batch view covers ({@link
   * BatchCoverage}, judged from the ledger), appended to by the batch at the end of each run that
   * aggregated and before each hot retention. Any engine can merge the batch and hot tables with it
   * in plain SQL.
   */
  public static final TableSpec BATCH_COVERAGE =
      spec(
          "ops.batch_coverage",
          List.of(),
          "the days the batch view covers (the serving cut), one row per source and day",
          SOURCE,
          P_YMD,
          COVERED_AT);

  public static final TableSpec SCHEMA_CHANGE_ALERTS =
      spec(
          "ops.schema_change_alerts",
          List.of(),
          "columns added, dropped or retyped between snapshots",
          TABLE_NAME,
          PERIOD,
          CHANGE,
          COLUMN_NAME,
          PREVIOUS_TYPE,
          NEW_TYPE,
          DETECTED_AT);

  public static final List<TableSpec> ALL =
      List.of(
          PLACE_EVENT,
          PLACE_EVENT_QUARANTINE,
          PLACE_EVENT_LATE,
          PLACE_SNAPSHOT,
          PLACE_EVENT_ENRICHED,
          PLACE_ACTION_1H,
          PLACE_IMPRESSION_1D,
          PLACE_IMPRESSION_30D,
          SELLER_PLACE_1D,
          HOT_PLACE_EVENT,
          HOT_PLACE_EVENT_QUARANTINE,
          BATCH_LEDGER,
          BATCH_COVERAGE,
          SCHEMA_CHANGE_ALERTS);

  private PlatformTables() {}

  public static Optional<TableSpec> find(String qualified) {
    return ALL.stream().filter(t -> t.name().qualified().equals(qualified)).findFirst();
  }

  /** A table with a fixed set of columns, in the written order. */
  private static TableSpec spec(
      String name, List<String> partitions, String description, Column... columns) {
    return spec(name, partitions, description, List.of(), columns);
  }

  /**
   * As above, the columns being {@code lead} (e.g. the event envelope) followed by {@code rest}.
   */
  private static TableSpec spec(
      String name, List<String> partitions, String description, List<Column> lead, Column... rest) {
    List<Column> columns = new ArrayList<>(lead);
    columns.addAll(List.of(rest));
    return new TableSpec(TableName.parse(name), columns, partitions, false, description);
  }
}
