package org.lambdaref.model;

import java.util.List;
import java.util.Optional;

/**
 * Every table the platform owns, with its tier and partitioning: the one list that {@code lambda
 * tables}, catalog registration and the jobs share.
 */
public final class PlatformTables {

  /** A table's definition. */
  public record TableSpec(TableName name, List<String> partitionColumns, String description) {

    /**
     * The Spark SQL statement that registers the table by its location (Glue, Hive metastore,
     * Trino via Glue). Delta keeps schema and partitions in its log: nothing else to register.
     */
    public String createStatement(String location) {
      return "CREATE TABLE IF NOT EXISTS " + name.qualified() + " USING DELTA LOCATION '" + location + "'";
    }
  }

  private static final List<String> DAILY = List.of(Partitions.DAY_COLUMN);
  private static final List<String> HOURLY = List.of(Partitions.DAY_COLUMN, Partitions.HOUR_COLUMN);

  public static final TableSpec PLACE_EVENT =
      spec("t1_log.place_event_timeseries_hourly", HOURLY, "valid, deduplicated place events");
  public static final TableSpec PLACE_EVENT_QUARANTINE =
      spec("t1_log.place_event_quarantine_timeseries_daily", DAILY, "rejected raw lines with reasons");
  public static final TableSpec PLACE_EVENT_LATE =
      spec("t1_log.place_event_late_timeseries_daily", DAILY, "events that arrived after their day closed");
  public static final TableSpec PLACE_SNAPSHOT =
      spec("t1_db.place_snapshot_daily", DAILY, "daily snapshot of the place master table");
  public static final TableSpec PLACE_EVENT_ENRICHED =
      spec("t2.place_event_enriched_timeseries_hourly", HOURLY, "events joined with the day's place snapshot");
  public static final TableSpec PLACE_ACTION_1H =
      spec("t3.place_action_aggr_1h_hourly", HOURLY, "events per place, action and hour (batch view)");
  public static final TableSpec PLACE_IMPRESSION_1D =
      spec("t3.place_impression_aggr_1d_daily", DAILY, "impressions, clicks, unique users per place and day");
  public static final TableSpec PLACE_IMPRESSION_30D =
      spec("t3.place_impression_aggr_30d_daily", DAILY, "the same over the 30 days ending on p_ymd");
  public static final TableSpec SELLER_PLACE_1D =
      spec("t3.seller_place_aggr_1d_daily", DAILY, "per seller and day, exported to JDBC");
  public static final TableSpec HOT_PLACE_EVENT =
      spec("hot.place_event_timeseries_hourly", HOURLY, "speed layer: valid events within a minute");
  public static final TableSpec HOT_PLACE_EVENT_QUARANTINE =
      spec("hot.place_event_quarantine_timeseries_hourly", HOURLY, "speed layer: rejected records");
  public static final TableSpec BATCH_LEDGER =
      spec("ops.batch_ledger", List.of(), "one row per job, period and run, with record accounting");
  public static final TableSpec SCHEMA_CHANGE_ALERTS =
      spec("ops.schema_change_alerts", List.of(), "columns added, dropped or retyped between snapshots");

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
          SCHEMA_CHANGE_ALERTS);

  private PlatformTables() {}

  public static Optional<TableSpec> find(String qualified) {
    return ALL.stream().filter(t -> t.name().qualified().equals(qualified)).findFirst();
  }

  private static TableSpec spec(String name, List<String> partitions, String description) {
    return new TableSpec(TableName.parse(name), partitions, description);
  }
}
