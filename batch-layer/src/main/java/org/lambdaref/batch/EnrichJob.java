package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.lambdaref.model.Period;
import org.lambdaref.model.PlatformTables;

/**
 * {@code t2.place_event_enriched_timeseries_hourly}: a period's accepted events (a day's, or an
 * hour's) joined with the same day's place snapshot. Events of places missing from the snapshot are kept with empty place
 * columns and counted ({@code unmatched_events} in the ledger): dropping them would change counts.
 */
public final class EnrichJob {

  public static final String JOB_NAME = "enrich_place_event";

  private final Lake lake;

  public EnrichJob(Lake lake) {
    this.lake = lake;
  }

  public Ledger.Entry run(LocalDate day) {
    return run(Period.ofDay(day));
  }

  /** A day's or an hour's events, joined with their day's snapshot. */
  public Ledger.Entry run(Period period) {
    return new Ledger(lake).record(JOB_NAME, "place_event", period.id(), () -> enrich(period));
  }

  /** The pure part: events left-joined with places. */
  public static Dataset<Row> enrich(Dataset<Row> events, Dataset<Row> places) {
    Dataset<Row> placeColumns = places.select(
        col("place_id").as("snapshot_place_id"), optional(places, "name").as("place_name"),
        optional(places, "category").as("place_category"), optional(places, "region").as("place_region"),
        optional(places, "seller_id").as("seller_id"));
    return events.join(placeColumns, events.col("place_id").equalTo(placeColumns.col("snapshot_place_id")), "left")
        .drop("snapshot_place_id");
  }

  /**
   * A place column, or null where the source dropped it: the snapshot job has raised a schema
   * alert already, and t2 must still be built.
   */
  private static org.apache.spark.sql.Column optional(Dataset<Row> places, String name) {
    return java.util.Arrays.asList(places.columns()).contains(name)
        ? col(name).cast("string")
        : org.apache.spark.sql.functions.lit(null).cast("string");
  }

  private Ledger.Entry enrich(Period period) {
    Dataset<Row> events = lake.period(PlatformTables.PLACE_EVENT, period).drop("source_file");
    Dataset<Row> places = lake.exists(PlatformTables.PLACE_SNAPSHOT)
        ? lake.day(PlatformTables.PLACE_SNAPSHOT, period.ymd())
        : null;
    if (places == null || places.isEmpty()) {
      throw new org.lambdaref.model.PlatformException(
          "No place snapshot for " + period.ymd()
              + (period.isHour() ? " (needed by the hour " + period + ")" : ""),
          "t2 joins each day's events with the same day's t1_db.place_snapshot_daily",
          "run the snapshot job first: bin/lambda batch --job snapshot --start-date <day>");
    }
    // counted while writing: no cache and no second pass over the day's events
    org.apache.spark.sql.Observation unmatched = new org.apache.spark.sql.Observation();
    Dataset<Row> enriched = enrich(events, places).observe(unmatched,
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("seller_id").isNull(), 1)).as("unmatched"));
    long rows = lake.replacePeriod(enriched, PlatformTables.PLACE_EVENT_ENRICHED, period);
    long unmatchedEvents = Lake.observed(unmatched, "unmatched");
    return Ledger.Entry.rows(rows, Map.of("unmatched_events", Long.toString(unmatchedEvents)));
  }

}
