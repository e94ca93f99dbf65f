package org.lambdaref.batch;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lambdaref.model.BatchWatermarkRule;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * The SQL face of the serving layer's merge: {@code serving.place_action_merged_hourly} has the
 * batch view's rows for days at or before the batch watermark and the hot table's events,
 * counted per place, action and hour, after it ({@link BatchWatermarkRule}). An analyst in {@code
 * bin/lambda sql} sees the numbers the HTTP API answers (the hot table and the DynamoDB counters
 * are written from the same deduplicated rows of each micro-batch).
 *
 * <p>The watermark is read when the view is registered (each {@code bin/lambda sql} run) and
 * written into the view as a literal: the rule lives in Java once, not again in SQL.
 */
public final class MergedHourlyView {

  public static final String NAME = "serving.place_action_merged_hourly";

  private MergedHourlyView() {}

  /**
   * Registers the view over the tables that exist (both tables must be registered by name
   * already); returns the watermark used, or empty when neither table exists.
   */
  public static Optional<String> register(Lake lake) {
    boolean batch = lake.exists(PlatformTables.PLACE_ACTION_1H);
    boolean hot = lake.exists(PlatformTables.HOT_PLACE_EVENT);
    if (!batch && !hot) {
      return Optional.empty();
    }
    Optional<LocalDate> watermark = BatchWatermark.of(lake);
    lake.spark().sql("CREATE DATABASE IF NOT EXISTS serving");
    lake.spark().sql("CREATE OR REPLACE VIEW " + NAME + " AS " + definition(watermark, batch, hot));
    return Optional.of(watermark.map(LocalDate::toString).orElse("none"));
  }

  static String definition(Optional<LocalDate> watermark, boolean batch, boolean hot) {
    String day = Partitions.DAY_COLUMN;
    String hour = Partitions.HOUR_COLUMN;
    // p_ymd is yyyyMMdd: string order is day order
    String cut = watermark.map(w -> "'" + Partitions.day(w) + "'").orElse(null);
    List<String> parts = new ArrayList<>();
    if (batch) {
      parts.add("SELECT place_id, action, " + day + ", " + hour + ", events, 'batch' AS source FROM "
          + PlatformTables.PLACE_ACTION_1H.name().qualified() + " WHERE " + (cut == null ? "false" : day + " <= " + cut));
    }
    if (hot) {
      parts.add("SELECT place_id, action, " + day + ", " + hour + ", COUNT(*) AS events, 'speed' AS source FROM "
          + PlatformTables.HOT_PLACE_EVENT.name().qualified() + (cut == null ? "" : " WHERE " + day + " > " + cut)
          + " GROUP BY place_id, action, " + day + ", " + hour);
    }
    return String.join(" UNION ALL ", parts);
  }
}
