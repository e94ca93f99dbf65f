package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.Restatement;

/**
 * The service tier t3 for one day, from t2: events per place, action and hour (the batch view the
 * serving layer merges); impressions, clicks and exact unique users per place for the day and for
 * the 30 days ending on it; the same per seller. Unique users are exact distinct counts, never sums
 * of daily counts (a user seen on two days is one user).
 *
 * <p>For a source cut into hours, the hourly table is written by each hour's run and the daily
 * tables by the day's run, once the day's 24 hours are all enriched ({@link #write}).
 */
public final class AggregateJob implements PeriodJob {

  public static final String JOB_NAME = BatchCoverage.AGGREGATE_JOB;

  /** The hourly part of the job, for sources whose periods are hours. */
  public static final String HOURLY_JOB_NAME = BatchCoverage.HOURLY_AGGREGATE_JOB;

  public static final int RANGE_DAYS = 30;

  private final Lake lake;

  /**
   * The enrich runs' details of the t2 periods read, when the caller knows them; else read from the
   * ledger.
   */
  private final Map<String, String> enriched;

  public AggregateJob(Lake lake) {
    this(lake, null);
  }

  /**
   * As {@link #AggregateJob(Lake)}, with the details of the enrich runs that wrote the t2 read (or
   * null).
   */
  AggregateJob(Lake lake, Map<String, String> enriched) {
    this.lake = lake;
    this.enriched = enriched;
  }

  public Ledger.Entry run(LocalDate day) {
    return run(Period.ofDay(day));
  }

  /** The period's t3 (see {@link #write}), recorded in the ledger. */
  public Ledger.Entry run(Period period) {
    return new Ledger(lake).record(this, period);
  }

  @Override
  public Id id(Period period) {
    return new Id(period.isHour() ? HOURLY_JOB_NAME : JOB_NAME, lake.config().eventSource().name());
  }

  /**
   * A source cut into days: the day's whole t3. A source cut into hours: an hour's rows of the
   * hourly table, or the daily tables of a day once its hours are in.
   */
  @Override
  public Ledger.Entry write(Period period) {
    if (period.isHour()) {
      return hour(period);
    }
    return lake.config().eventSource().period() == PeriodUnit.HOUR
        ? dayOfHours(period.day())
        : withProvenance(aggregate(period.day(), period.id(), true), List.of(period.id()));
  }

  /**
   * The entry with the {@link Restatement} of the t2 it was built from (the latest good enrich runs
   * of {@code t2Periods}), so the ledger row of a t3 says which late events its numbers include.
   */
  private Ledger.Entry withProvenance(Ledger.Entry entry, List<String> t2Periods) {
    Map<String, String> enriched =
        this.enriched != null && this.enriched.keySet().containsAll(t2Periods)
            ? this.enriched
            : new Ledger(lake).latestSucceededDetails(EnrichJob.JOB_NAME, t2Periods);
    Optional<Restatement> restated =
        Restatement.ofAll(
            t2Periods.stream()
                .map(
                    p ->
                        enriched.containsKey(p)
                            ? Restatement.fromDetails(enriched.get(p))
                            : Optional.<Restatement>empty())
                .toList());
    if (restated.isEmpty()) {
      return entry;
    }
    Map<String, String> details = new LinkedHashMap<>(entry.details());
    details.putAll(restated.get().toDetails());
    return Ledger.Entry.rows(entry.rowsWritten(), details);
  }

  /** One hour's rows of the hourly table. */
  private Ledger.Entry hour(Period hour) {
    long rows =
        lake.replacePeriod(
            actionsPerHour(lake.period(PlatformTables.PLACE_EVENT_ENRICHED, hour), hourStart()),
            PlatformTables.PLACE_ACTION_1H,
            hour,
            true);
    return withProvenance(Ledger.Entry.rows(rows, Map.of()), List.of(hour.id()));
  }

  /**
   * The daily tables of a day whose hours are loaded hour by hour. Refused, with the hours missing,
   * until the ledger shows all 24 hours enriched: a day built from some of its hours would pass the
   * batch watermark with counts too low.
   */
  private Ledger.Entry dayOfHours(LocalDate day) {
    String period = Partitions.day(day);
    List<String> hours = BatchCoverage.hourIds(day);
    Ledger ledger = new Ledger(lake);
    Set<String> enriched = ledger.succeeded(EnrichJob.JOB_NAME, hours);
    Set<String> aggregated = ledger.succeeded(HOURLY_JOB_NAME, hours);
    List<String> missing =
        hours.stream().filter(h -> !enriched.contains(h) || !aggregated.contains(h)).toList();
    if (!missing.isEmpty()) {
      throw new PlatformException(
          "The daily t3 tables of "
              + period
              + " cannot be built yet: "
              + missing.size()
              + " of its 24 hours are not in t2 or not in the hourly t3 "
              + missing.stream().map(h -> h.substring(8)).toList(),
          "the day's tables (1d, 30d, seller) read all of the day's enriched hours, and the batch covers the day"
              + " only once every hour's hourly aggregate succeeded too",
          "run the missing hours: bin/lambda batch --start-date "
              + day
              + "T"
              + missing.get(0).substring(8)
              + " --iteration-count <n>; the day's tables follow with its hour 23");
    }
    return withProvenance(aggregate(day, period, false), hours);
  }

  /**
   * Events per place, action and hour. The hour is its start instant ({@link HourStart}) besides
   * the {@code p_hh} partition: on a fall-back night both local 02:00 hours are {@code p_hh=02},
   * and their rows stay apart by {@code hour_start}.
   */
  public static Dataset<Row> actionsPerHour(Dataset<Row> enriched, Column hourStart) {
    return enriched
        .withColumn(Columns.HOUR_START.name(), hourStart)
        .groupBy(
            col(Columns.PLACE_ID.name()),
            col(Columns.ACTION.name()),
            col(Partitions.DAY_COLUMN),
            col(Partitions.HOUR_COLUMN),
            col(Columns.HOUR_START.name()))
        .agg(count(lit(1)).as(Columns.EVENTS.name()));
  }

  private Column hourStart() {
    return HourStart.ofRecord(lake.config().eventSource(), lake.config().timezone());
  }

  private static Column impressionCount() {
    return sum(when(col(Columns.ACTION.name()).equalTo("impression"), 1L).otherwise(0L))
        .as(Columns.IMPRESSIONS.name());
  }

  private static Column clicks() {
    return sum(when(col(Columns.ACTION.name()).equalTo("click"), 1L).otherwise(0L))
        .as(Columns.CLICKS.name());
  }

  private Ledger.Entry aggregate(LocalDate day, String period, boolean withHourly) {
    Dataset<Row> today = lake.day(PlatformTables.PLACE_EVENT_ENRICHED, period).cache();
    try {
      Dataset<Row> hourly = actionsPerHour(today, hourStart());
      Dataset<Row> daily = perPlace(today, period);
      String from = Partitions.day(day.minusDays(RANGE_DAYS - 1L));
      Dataset<Row> range =
          lake.read(PlatformTables.PLACE_EVENT_ENRICHED)
              .filter(col(Partitions.DAY_COLUMN).between(from, period));
      long daysPresent = daysIn(range);
      Dataset<Row> thirtyDays = perPlace(range, period);
      Dataset<Row> sellers =
          today
              .filter(col(Columns.SELLER_ID.name()).isNotNull())
              .groupBy(col(Columns.SELLER_ID.name()))
              .agg(
                  countDistinct(col(Columns.PLACE_ID.name())).as(Columns.PLACES.name()),
                  impressionCount(),
                  clicks(),
                  countDistinct(col(Columns.USER_ID.name())).as(Columns.UNIQUE_USERS.name()))
              .withColumn(Partitions.DAY_COLUMN, lit(period));

      if (withHourly) {
        // mergeSchema: a table written before hour_start existed gains the column
        lake.replaceDay(hourly, PlatformTables.PLACE_ACTION_1H, period, true);
      }
      long places = lake.replaceDay(daily, PlatformTables.PLACE_IMPRESSION_1D, period);
      lake.replaceDay(thirtyDays, PlatformTables.PLACE_IMPRESSION_30D, period);
      lake.replaceDay(sellers, PlatformTables.SELLER_PLACE_1D, period);

      Map<String, String> details = new LinkedHashMap<>();
      details.put("days_in_30d_range", Long.toString(daysPresent));
      return Ledger.Entry.rows(places, details);
    } finally {
      today.unpersist();
    }
  }

  /** The t2 days the range holds, from the Delta file list alone (no data is read). */
  static long daysIn(Dataset<Row> range) {
    return SparkSchemas.daysHeld(range).size();
  }

  private static Dataset<Row> perPlace(Dataset<Row> events, String period) {
    return events
        .groupBy(col(Columns.PLACE_ID.name()))
        .agg(
            impressionCount(),
            clicks(),
            countDistinct(col(Columns.USER_ID.name())).as(Columns.UNIQUE_USERS.name()))
        .withColumn(Partitions.DAY_COLUMN, lit(period));
  }
}
