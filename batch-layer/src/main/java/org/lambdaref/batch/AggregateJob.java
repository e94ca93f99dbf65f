package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * The service tier t3 for one day, from t2: events per place, action and hour (the batch view the
 * serving layer merges); impressions, clicks and exact unique users per place for the day and for
 * the 30 days ending on it; the same per seller. Unique users are exact distinct counts, never
 * sums of daily counts (a user seen on two days is one user).
 */
public final class AggregateJob {

  public static final String JOB_NAME = org.lambdaref.model.BatchWatermarkRule.AGGREGATE_JOB;
  public static final int RANGE_DAYS = 30;

  private final Lake lake;

  public AggregateJob(Lake lake) {
    this.lake = lake;
  }

  public Ledger.Entry run(LocalDate day) {
    String period = Partitions.day(day);
    return new Ledger(lake).record(JOB_NAME, "place_event", period, () -> aggregate(day, period));
  }

  public static Dataset<Row> actionsPerHour(Dataset<Row> enriched) {
    return enriched.groupBy(col("place_id"), col("action"), col(Partitions.DAY_COLUMN), col(Partitions.HOUR_COLUMN))
        .agg(count(lit(1)).as("events"));
  }

  private static Column impressionCount() {
    return sum(when(col("action").equalTo("impression"), 1L).otherwise(0L)).as("impressions");
  }

  private static Column clicks() {
    return sum(when(col("action").equalTo("click"), 1L).otherwise(0L)).as("clicks");
  }

  private Ledger.Entry aggregate(LocalDate day, String period) {
    Dataset<Row> today = lake.day(PlatformTables.PLACE_EVENT_ENRICHED, period).cache();
    try {
      Dataset<Row> hourly = actionsPerHour(today);
      Dataset<Row> daily = perPlace(today, period);
      String from = Partitions.day(day.minusDays(RANGE_DAYS - 1L));
      Dataset<Row> range = lake.read(PlatformTables.PLACE_EVENT_ENRICHED)
          .filter(col(Partitions.DAY_COLUMN).between(from, period));
      long daysPresent = daysIn(range);
      Dataset<Row> thirtyDays = perPlace(range, period);
      Dataset<Row> sellers = today.filter(col("seller_id").isNotNull())
          .groupBy(col("seller_id"))
          .agg(countDistinct(col("place_id")).as("places"), impressionCount(), clicks(),
              countDistinct(col("user_id")).as("unique_users"))
          .withColumn(Partitions.DAY_COLUMN, lit(period));

      lake.replaceDay(hourly, PlatformTables.PLACE_ACTION_1H, period);
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
    java.util.regex.Pattern day = java.util.regex.Pattern.compile(Partitions.DAY_COLUMN + "=(\\d{8})");
    return java.util.Arrays.stream(range.inputFiles())
        .map(day::matcher)
        .filter(java.util.regex.Matcher::find)
        .map(m -> m.group(1))
        .distinct()
        .count();
  }

  private static Dataset<Row> perPlace(Dataset<Row> events, String period) {
    return events.groupBy(col("place_id"))
        .agg(impressionCount(), clicks(), countDistinct(col("user_id")).as("unique_users"))
        .withColumn(Partitions.DAY_COLUMN, lit(period));
  }
}
