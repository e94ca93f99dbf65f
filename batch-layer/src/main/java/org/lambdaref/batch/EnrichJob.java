package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.Restatement;

/**
 * {@code t2.place_event_enriched_timeseries_hourly}: a period's accepted events (a day's, or an
 * hour's) joined with the same day's place snapshot. Events of places missing from the snapshot are
 * kept with empty place columns and counted ({@code unmatched_events} in the ledger): dropping them
 * would change counts.
 */
public final class EnrichJob implements PeriodJob {

  public static final String JOB_NAME = "enrich_place_event";

  private final Lake lake;
  private final boolean restate;

  public EnrichJob(Lake lake) {
    this(lake, false);
  }

  /**
   * With {@code restate}, a period's late events ({@code t1_log.place_event_late} rows whose event
   * falls in it) are taken in too, deduplicated against the on-time events and each other, and the
   * ledger row records the {@link Restatement}.
   */
  EnrichJob(Lake lake, boolean restate) {
    this.lake = lake;
    this.restate = restate;
  }

  public Ledger.Entry run(LocalDate day) {
    return run(Period.ofDay(day));
  }

  /** A day's or an hour's events, joined with their day's snapshot. */
  public Ledger.Entry run(Period period) {
    return new Ledger(lake).record(this, period);
  }

  /** As {@link #run(Period)}, restating the period's late events when {@code restate}. */
  public Ledger.Entry run(Period period, boolean restate) {
    return new EnrichJob(lake, restate).run(period);
  }

  @Override
  public Id id(Period period) {
    return new Id(JOB_NAME, lake.config().eventSource().name());
  }

  @Override
  public Ledger.Entry write(Period period) {
    return enrich(period);
  }

  /** The pure part: events left-joined with places. */
  public static Dataset<Row> enrich(Dataset<Row> events, Dataset<Row> places) {
    Dataset<Row> placeColumns =
        places.select(
            col("place_id").as("snapshot_place_id"),
            optional(places, "name").as("place_name"),
            optional(places, "category").as("place_category"),
            optional(places, "region").as("place_region"),
            optional(places, "seller_id").as("seller_id"));
    return events
        .join(
            placeColumns,
            events.col("place_id").equalTo(placeColumns.col("snapshot_place_id")),
            "left")
        .drop("snapshot_place_id");
  }

  /**
   * A place column, or null where the source dropped it: the snapshot job has raised a schema alert
   * already, and t2 must still be built.
   */
  private static Column optional(Dataset<Row> places, String name) {
    return Arrays.asList(places.columns()).contains(name)
        ? col(name).cast("string")
        : lit(null).cast("string");
  }

  private Ledger.Entry enrich(Period period) {
    Dataset<Row> events = lake.period(PlatformTables.PLACE_EVENT, period);
    Restatement restatement = null;
    if (restate) {
      Dataset<Row> late = lateEventsOf(period).cache();
      try {
        Set<String> owners =
            new TreeSet<>(
                late.select(Columns.OWNER_PERIOD.name())
                    .distinct()
                    .as(Encoders.STRING())
                    .collectAsList());
        long onTime = events.count();
        events = withLate(events, late.drop(Columns.OWNER_PERIOD.name())).localCheckpoint();
        restatement = new Restatement(owners, events.count() - onTime);
      } finally {
        late.unpersist();
      }
    }
    events = events.drop("source_file");
    Dataset<Row> places =
        lake.exists(PlatformTables.PLACE_SNAPSHOT)
            ? lake.day(PlatformTables.PLACE_SNAPSHOT, period.ymd())
            : null;
    if (places == null || places.isEmpty()) {
      throw new PlatformException(
          "No place snapshot for "
              + period.ymd()
              + (period.isHour() ? " (needed by the hour " + period + ")" : ""),
          "t2 joins each day's events with the same day's t1_db.place_snapshot_daily",
          "run the snapshot job first: bin/lambda batch --job snapshot --start-date <day>");
    }
    // counted while writing: no cache and no second pass over the day's events
    Observation unmatched = new Observation();
    Dataset<Row> enriched =
        enrich(events, places)
            .observe(unmatched, count(when(col("seller_id").isNull(), 1)).as("unmatched"));
    long rows = lake.replacePeriod(enriched, PlatformTables.PLACE_EVENT_ENRICHED, period);
    long unmatchedEvents = Lake.observed(unmatched, "unmatched");
    Map<String, String> details =
        new HashMap<>(Map.of("unmatched_events", Long.toString(unmatchedEvents)));
    if (restatement != null) {
      details.putAll(restatement.toDetails());
    }
    return Ledger.Entry.rows(rows, details);
  }

  /**
   * The late rows whose event falls in {@code period}, shaped as t1 event rows (event day and hour
   * as the partition columns), with their {@code owner_period}. Late rows of a day are written by
   * the runs of later arrival days, so only partitions from the period's day on are read.
   */
  private Dataset<Row> lateEventsOf(Period period) {
    Dataset<Row> t1 = lake.period(PlatformTables.PLACE_EVENT, period);
    if (!lake.exists(PlatformTables.PLACE_EVENT_LATE)) {
      return t1.limit(0).withColumn(Columns.OWNER_PERIOD.name(), lit(null).cast("string"));
    }
    ZoneId zone = lake.config().timezone();
    SourceConfig source = lake.config().eventSource();
    Dataset<Row> late =
        lake.read(PlatformTables.PLACE_EVENT_LATE)
            .filter(
                col(Partitions.DAY_COLUMN)
                    .geq(period.ymd())
                    .and(col("event_day").equalTo(period.ymd())));
    if (period.isHour()) {
      late =
          late.filter(
              HourStart.ofRecord(source, zone).equalTo(lit(Timestamp.from(period.start(zone)))));
    }
    late =
        late.withColumn(
            "late_hour",
            date_format(
                from_utc_timestamp(col(source.timeBasis().column().name()), zone.getId()), "HH"));
    List<Column> columns = new ArrayList<>();
    for (String name : t1.columns()) {
      columns.add(
          name.equals(Partitions.DAY_COLUMN)
              ? col("event_day").as(name)
              : name.equals(Partitions.HOUR_COLUMN) ? col("late_hour").as(name) : col(name));
    }
    columns.add(col(Columns.OWNER_PERIOD.name()));
    return late.select(columns.toArray(Column[]::new));
  }

  /**
   * The on-time events with the late ones added: one row per event id, an on-time copy before any
   * late one, then the earliest processing time (the collect job's rule), then the remaining
   * columns so the choice is fixed by the data.
   */
  static Dataset<Row> withLate(Dataset<Row> onTime, Dataset<Row> late) {
    Column[] order = {
      col("late_copy"),
      col("processing_time"),
      col("source_file"),
      col("event_time"),
      col("place_id"),
      col("user_id"),
      col("action"),
      col("country"),
      col("category"),
      col("sub_category"),
      col("table_name")
    };
    return onTime
        .withColumn("late_copy", lit(0))
        .unionByName(late.withColumn("late_copy", lit(1)))
        .withColumn("copy", row_number().over(Window.partitionBy("event_id").orderBy(order)))
        .filter(col("copy").equalTo(1))
        .drop("copy", "late_copy");
  }
}
