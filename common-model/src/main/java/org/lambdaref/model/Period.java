package org.lambdaref.model;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One batch period: a day, or one hour of a day, in the platform zone. Its id is what the ledger
 * records and what the partitions read: {@code 20190608} for a day, {@code 2019060815} for the hour
 * from 15:00.
 *
 * <p>An hour is a label of the local clock, as the tier partitions ({@code p_ymd}, {@code p_hh})
 * are: where the clock goes back, hour 01 spans two real hours; where it jumps forward, the skipped
 * hour is empty. Either way every instant belongs to exactly one hour period.
 */
public record Period(PeriodUnit unit, LocalDate day, int hour)
    implements Comparable<Period>, Serializable {

  private static final long serialVersionUID = 1L;

  public Period {
    if (unit == null || day == null) {
      throw new IllegalArgumentException("a period needs a unit and a day");
    }
    if (unit == PeriodUnit.DAY ? hour != 0 : hour < 0 || hour > 23) {
      throw new IllegalArgumentException(
          "hour " + hour + " is not valid for a " + unit + " period of " + day);
    }
  }

  public static Period ofDay(LocalDate day) {
    return new Period(PeriodUnit.DAY, day, 0);
  }

  public static Period ofHour(LocalDate day, int hour) {
    return new Period(PeriodUnit.HOUR, day, hour);
  }

  /** The period of {@code unit} that holds {@code instant} on the clock of {@code zone}. */
  public static Period containing(Instant instant, ZoneId zone, PeriodUnit unit) {
    ZonedDateTime local = instant.atZone(zone);
    return unit == PeriodUnit.DAY
        ? ofDay(local.toLocalDate())
        : ofHour(local.toLocalDate(), local.getHour());
  }

  /** {@code 20190608} or {@code 2019060815}, as {@link #id()} writes it. */
  public static Period parseId(String id) {
    try {
      if (id != null && id.length() == 8) {
        return ofDay(LocalDate.parse(id, Partitions.DAY_FORMAT));
      }
      if (id != null && id.length() == 10) {
        return ofHour(
            LocalDate.parse(id.substring(0, 8), Partitions.DAY_FORMAT),
            Integer.parseInt(id.substring(8)));
      }
    } catch (DateTimeParseException | IllegalArgumentException e) {
      // reported below with the expected forms
    }
    throw new IllegalArgumentException(
        "not a period id: '" + id + "' (expected yyyyMMdd or yyyyMMddHH)");
  }

  public boolean isHour() {
    return unit == PeriodUnit.HOUR;
  }

  /** The ledger's and the partitions' name of the period. */
  public String id() {
    return isHour() ? ymd() + hh() : ymd();
  }

  public String ymd() {
    return Partitions.day(day);
  }

  /** The {@code p_hh} value of an hour period. */
  public String hh() {
    if (!isHour()) {
      throw new IllegalStateException("the day period " + ymd() + " has no hour");
    }
    return String.format("%02d", hour);
  }

  /** The first instant of the period. */
  public Instant start(ZoneId zone) {
    return isHour() ? localStart(day.atTime(hour, 0), zone) : day.atStartOfDay(zone).toInstant();
  }

  /** The first instant after the period (the start of the next one). */
  public Instant end(ZoneId zone) {
    return plus(1).start(zone);
  }

  public Period plus(long periods) {
    if (!isHour()) {
      return ofDay(day.plusDays(periods));
    }
    LocalDateTime next = day.atTime(hour, 0).plusHours(periods);
    return ofHour(next.toLocalDate(), next.getHour());
  }

  /** The day this period is part of (itself for a day). */
  public Period dayPeriod() {
    return ofDay(day);
  }

  /** Whether this is the last period of its day: the day itself, or its hour 23. */
  public boolean endsDay() {
    return !isHour() || hour == 23;
  }

  /** The periods of {@code unit} that make up this day period, oldest first. */
  public List<Period> split(PeriodUnit into) {
    if (into == PeriodUnit.DAY || isHour()) {
      return List.of(this);
    }
    return IntStream.range(0, 24).mapToObj(h -> ofHour(day, h)).toList();
  }

  /**
   * The SQL predicate that selects the period's partitions of a tier table ({@code replaceWhere}
   * and reads): the day partition, or the day and hour partitions.
   */
  public String partitionPredicate() {
    return isHour() ? PartitionPredicates.hour(ymd(), hh()) : PartitionPredicates.day(ymd());
  }

  @Override
  public int compareTo(Period other) {
    int byDay = day.compareTo(other.day);
    if (byDay != 0) {
      return byDay;
    }
    // a day sorts after its own hours: its daily jobs run once the hours are done
    return Integer.compare(isHour() ? hour : 24, other.isHour() ? other.hour : 24);
  }

  /** {@code 2019-06-08} or {@code 2019-06-08T15}, the form {@code --start-date} takes. */
  @Override
  public String toString() {
    return isHour() ? day + "T" + hh() : day.toString();
  }

  private static Instant localStart(LocalDateTime local, ZoneId zone) {
    // at an overlap the earlier offset (the hour's first pass); in a gap, the instant after it
    return ZonedDateTime.ofLocal(local, zone, null).toInstant();
  }
}
