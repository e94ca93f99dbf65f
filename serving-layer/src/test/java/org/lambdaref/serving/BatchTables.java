package org.lambdaref.serving;

import static org.lambdaref.model.Columns.ACTION;
import static org.lambdaref.model.Columns.CLICKS;
import static org.lambdaref.model.Columns.EVENTS;
import static org.lambdaref.model.Columns.EVENT_DAY;
import static org.lambdaref.model.Columns.EVENT_ID;
import static org.lambdaref.model.Columns.IMPRESSIONS;
import static org.lambdaref.model.Columns.OWNER_PERIOD;
import static org.lambdaref.model.Columns.PLACE_ID;
import static org.lambdaref.model.Columns.P_HH;
import static org.lambdaref.model.Columns.P_YMD;
import static org.lambdaref.model.Columns.UNIQUE_USERS;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lambdaref.batch.Lake;
import org.lambdaref.batch.Ledger;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;

/**
 * Writes the batch view the way the batch layer does ({@link Lake#replaceDay}, {@link Ledger}),
 * with counts the tests choose, so that answers can be checked against known numbers.
 */
final class BatchTables {

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
    List<Map<String, ?>> rows = new ArrayList<>();
    for (Hour h : hours) {
      // no hour_start: the view then takes the local hour's first instant, as for rows written
      // before it existed
      rows.add(
          Map.of(
              PLACE_ID.name(),
              h.placeId(),
              ACTION.name(),
              h.action(),
              EVENTS.name(),
              h.events(),
              P_YMD.name(),
              ymd,
              P_HH.name(),
              String.format("%02d", h.hour())));
    }
    lake.replaceDay(
        SparkSchemas.frame(lake.spark(), PlatformTables.PLACE_ACTION_1H, rows),
        PlatformTables.PLACE_ACTION_1H,
        ymd);
  }

  void writeDaily(LocalDate day, String placeId, long impressions, long clicks, long uniqueUsers) {
    String ymd = Partitions.day(day);
    lake.replaceDay(
        SparkSchemas.frame(
            lake.spark(),
            PlatformTables.PLACE_IMPRESSION_1D,
            List.of(
                Map.of(
                    PLACE_ID.name(),
                    placeId,
                    IMPRESSIONS.name(),
                    impressions,
                    CLICKS.name(),
                    clicks,
                    UNIQUE_USERS.name(),
                    uniqueUsers,
                    P_YMD.name(),
                    ymd))),
        PlatformTables.PLACE_IMPRESSION_1D,
        ymd);
  }

  /** The late lines the run of arrival day {@code ownerDay} set aside (replacing that day's). */
  void writeLate(LocalDate ownerDay, Late... lines) {
    String ymd = Partitions.day(ownerDay);
    List<Map<String, ?>> rows = new ArrayList<>();
    for (Late l : lines) {
      rows.add(
          Map.of(
              EVENT_ID.name(),
              l.eventId(),
              PLACE_ID.name(),
              l.placeId(),
              ACTION.name(),
              l.action(),
              EVENT_DAY.name(),
              Partitions.day(l.eventDay()),
              OWNER_PERIOD.name(),
              ymd,
              P_YMD.name(),
              ymd));
    }
    lake.replaceDay(
        SparkSchemas.frame(lake.spark(), PlatformTables.PLACE_EVENT_LATE, rows),
        PlatformTables.PLACE_EVENT_LATE,
        ymd);
  }

  /** Records the aggregate job of {@code day} as succeeded: the day is closed. */
  void close(LocalDate day) {
    ledger.record(
        BatchCoverage.AGGREGATE_JOB,
        "place_event",
        Partitions.day(day),
        () -> Ledger.Entry.rows(0, Map.of()));
  }

  /** Records the aggregate job of {@code day} as failed. */
  void fail(LocalDate day) {
    try {
      ledger.record(
          BatchCoverage.AGGREGATE_JOB,
          "place_event",
          Partitions.day(day),
          () -> {
            throw new IllegalStateException("simulated failure of " + day);
          });
    } catch (IllegalStateException expected) {
      // recorded as failed
    }
  }
}
