package org.lambdaref.serving;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.lambdaref.batch.Lake;
import org.lambdaref.batch.Ledger;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * Writes the batch view the way the batch layer does ({@link Lake#replaceDay}, {@link Ledger}),
 * with counts the tests choose, so that answers can be checked against known numbers.
 */
final class BatchTables {

  private static final StructType HOURLY = new StructType()
      .add("place_id", DataTypes.StringType)
      .add("action", DataTypes.StringType)
      .add("events", DataTypes.LongType)
      .add(Partitions.DAY_COLUMN, DataTypes.StringType)
      .add(Partitions.HOUR_COLUMN, DataTypes.StringType);
  private static final StructType DAILY = new StructType()
      .add("place_id", DataTypes.StringType)
      .add("impressions", DataTypes.LongType)
      .add("clicks", DataTypes.LongType)
      .add("unique_users", DataTypes.LongType)
      .add(Partitions.DAY_COLUMN, DataTypes.StringType);

  private static final StructType LATE = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("place_id", DataTypes.StringType)
      .add("action", DataTypes.StringType)
      .add("event_day", DataTypes.StringType)
      .add("owner_period", DataTypes.StringType)
      .add(Partitions.DAY_COLUMN, DataTypes.StringType);

  /** One late line: an event of {@code eventDay} that arrived after the day closed. */
  record Late(String eventId, String placeId, String action, LocalDate eventDay) {}

  /** One row of the hourly table. */
  record Hour(String placeId, String action, int hour, long events) {}

  private final Lake lake;
  private final Ledger ledger;

  BatchTables(PlatformConfig config) {
    this.lake = new Lake(SparkSessions.getOrCreate(config, "serving-tests"), config);
    SparkSessions.applyHadoopSettings(lake.spark(), config);
    this.ledger = new Ledger(lake);
  }

  void writeHourly(LocalDate day, Hour... hours) {
    String ymd = Partitions.day(day);
    List<Row> rows = new ArrayList<>();
    for (Hour h : hours) {
      rows.add(RowFactory.create(h.placeId(), h.action(), h.events(), ymd, String.format("%02d", h.hour())));
    }
    lake.replaceDay(lake.spark().createDataFrame(rows, HOURLY), PlatformTables.PLACE_ACTION_1H, ymd);
  }

  void writeDaily(LocalDate day, String placeId, long impressions, long clicks, long uniqueUsers) {
    String ymd = Partitions.day(day);
    lake.replaceDay(lake.spark().createDataFrame(
        List.of(RowFactory.create(placeId, impressions, clicks, uniqueUsers, ymd)), DAILY),
        PlatformTables.PLACE_IMPRESSION_1D, ymd);
  }

  /** The late lines the run of arrival day {@code ownerDay} set aside (replacing that day's). */
  void writeLate(LocalDate ownerDay, Late... lines) {
    String ymd = Partitions.day(ownerDay);
    List<Row> rows = new ArrayList<>();
    for (Late l : lines) {
      rows.add(RowFactory.create(l.eventId(), l.placeId(), l.action(), Partitions.day(l.eventDay()), ymd, ymd));
    }
    lake.replaceDay(lake.spark().createDataFrame(rows, LATE), PlatformTables.PLACE_EVENT_LATE, ymd);
  }

  /** Records the aggregate job of {@code day} as succeeded: the day is closed. */
  void close(LocalDate day) {
    ledger.record(BatchCoverage.AGGREGATE_JOB, "place_event", Partitions.day(day),
        () -> Ledger.Entry.rows(0, Map.of()));
  }

  /** Records the aggregate job of {@code day} as failed. */
  void fail(LocalDate day) {
    try {
      ledger.record(BatchCoverage.AGGREGATE_JOB, "place_event", Partitions.day(day), () -> {
        throw new IllegalStateException("simulated failure of " + day);
      });
    } catch (IllegalStateException expected) {
      // recorded as failed
    }
  }
}
