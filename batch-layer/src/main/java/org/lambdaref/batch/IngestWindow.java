package org.lambdaref.batch;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;

/**
 * The raw arrival hours a period's run reads, and when that period closes.
 *
 * <p>Period P (a day or an hour of the platform zone) closes at P's end plus the allowed lateness;
 * an event of P that arrives at or after the close is late. The run of P reads every UTC arrival
 * hour that overlaps [P start - max clock skew, P close): an event just after the period starts may
 * arrive, by the collector's clock, up to the skew before it happened (see {@code clock_skew}).
 */
public record IngestWindow(
    Period period, ZoneId zone, Duration allowedLateness, Duration maxClockSkew) {

  public static IngestWindow of(Period period, ZoneId zone, SourceConfig source) {
    return new IngestWindow(period, zone, source.allowedLateness(), source.maxClockSkew());
  }

  /** The window of a day period. */
  public static IngestWindow of(LocalDate day, ZoneId zone, SourceConfig source) {
    return of(Period.ofDay(day), zone, source);
  }

  public LocalDate day() {
    return period.day();
  }

  public Instant start() {
    return period.start(zone);
  }

  public Instant end() {
    return period.end(zone);
  }

  /** The instant the period closes; arrivals at or after it are late. */
  public Instant close() {
    return end().plus(allowedLateness);
  }

  /** Whether every line the period's run owns has arrived by {@code now}. */
  public boolean isClosedAt(Instant now) {
    return !now.isBefore(close());
  }

  public Instant readFrom() {
    return start().minus(maxClockSkew);
  }

  /** Whether the arrival hour starting at {@code hourStart} (UTC) overlaps the read window. */
  public boolean readsHour(Instant hourStart) {
    return hourStart.plus(Duration.ofHours(1)).isAfter(readFrom()) && hourStart.isBefore(close());
  }

  /** The UTC arrival hours to read, oldest first. */
  public List<Partitions.DayHour> arrivalHours() {
    List<Partitions.DayHour> hours = new ArrayList<>();
    for (Instant h = readFrom().truncatedTo(ChronoUnit.HOURS);
        h.isBefore(close());
        h = h.plus(Duration.ofHours(1))) {
      hours.add(Partitions.rawArrivalPartition(h));
    }
    return hours;
  }
}
