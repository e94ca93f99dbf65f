package org.lambdaref.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

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

  public static DayHour rawArrivalPartition(Instant arrival) {
    return tierPartition(arrival, ZoneOffset.UTC);
  }

  public static String day(LocalDate date) {
    return DAY_FORMAT.format(date);
  }
}
