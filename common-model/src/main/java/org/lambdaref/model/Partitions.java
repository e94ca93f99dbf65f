package org.lambdaref.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Partition columns and values. Tier tables are partitioned by the day and hour of the platform
 * zone ({@code platform.timezone}); raw arrival partitions are UTC hours, because that is how S3
 * collectors (Firehose, Fluentd) write them whatever the business zone.
 */
public final class Partitions {

  public static final String DAY_COLUMN = "p_ymd";
  public static final String HOUR_COLUMN = "p_hh";

  public static final DateTimeFormatter DAY_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd");
  public static final DateTimeFormatter HOUR_FORMAT = DateTimeFormatter.ofPattern("HH");

  private Partitions() {}

  /** The day and hour partition of an instant in a zone. */
  public record DayHour(String ymd, String hh) {
    public String path() {
      return DAY_COLUMN + "=" + ymd + "/" + HOUR_COLUMN + "=" + hh;
    }

    public LocalDate day() {
      return LocalDate.parse(ymd, DAY_FORMAT);
    }
  }

  public static DayHour tierPartition(Instant instant, ZoneId platformZone) {
    ZonedDateTime local = instant.atZone(platformZone);
    return new DayHour(DAY_FORMAT.format(local), HOUR_FORMAT.format(local));
  }

  /**
   * The start of the platform-zone hour holding {@code instant}, as an instant: the key of an hour
   * in every hourly count. Unlike the {@code p_hh} partition it keeps the two hours of a fall-back
   * night apart (both are 02 locally), and it follows half-hour offsets.
   */
  public static Instant hourStart(Instant instant, ZoneId zone) {
    return instant.atZone(zone).truncatedTo(ChronoUnit.HOURS).toInstant();
  }

  /**
   * The index of the hour starting at {@code hourStart} within its local day: 0..22 on a
   * spring-forward day, 0..24 on a fall-back day.
   */
  public static int hourOfDay(Instant hourStart, ZoneId zone) {
    Instant dayStart = hourStart.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    return (int) Math.floorDiv(hourStart.getEpochSecond() - dayStart.getEpochSecond(), 3600);
  }

  public static DayHour rawArrivalPartition(Instant arrival) {
    return tierPartition(arrival, ZoneOffset.UTC);
  }

  public static String day(LocalDate date) {
    return DAY_FORMAT.format(date);
  }
}
