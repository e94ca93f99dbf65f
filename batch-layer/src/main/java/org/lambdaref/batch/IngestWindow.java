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

/**
 * The raw arrival hours a day's run reads, and when that day closes.
 *
 * <p>Day D (in the platform zone) closes at D's end plus the allowed lateness; an event of D that
 * arrives at or after the close is late. The run of D reads every UTC arrival hour that overlaps
 * [D start - max clock skew, D close): an event just after midnight may arrive, by the collector's
 * clock, up to the skew before it happened (see {@code clock_skew}).
 */
public record IngestWindow(LocalDate day, ZoneId zone, Duration allowedLateness, Duration maxClockSkew) {

  public static IngestWindow of(LocalDate day, ZoneId zone, SourceConfig source) {
    return new IngestWindow(day, zone, source.allowedLateness(), source.maxClockSkew());
  }

  public Instant dayStart() {
    return day.atStartOfDay(zone).toInstant();
  }

  public Instant dayEnd() {
    return day.plusDays(1).atStartOfDay(zone).toInstant();
  }

  /** The instant the day closes; arrivals at or after it are late. */
  public Instant close() {
    return dayEnd().plus(allowedLateness);
  }

  /** Whether every line the day's run owns has arrived by {@code now}. */
  public boolean isClosedAt(Instant now) {
    return !now.isBefore(close());
  }

  public Instant readFrom() {
    return dayStart().minus(maxClockSkew);
  }

  /** Whether the arrival hour starting at {@code hourStart} (UTC) overlaps the read window. */
  public boolean readsHour(Instant hourStart) {
    return hourStart.plus(Duration.ofHours(1)).isAfter(readFrom()) && hourStart.isBefore(close());
  }

  /** The UTC arrival hours to read, oldest first. */
  public List<Partitions.DayHour> arrivalHours() {
    List<Partitions.DayHour> hours = new ArrayList<>();
    for (Instant h = readFrom().truncatedTo(ChronoUnit.HOURS); h.isBefore(close()); h = h.plus(Duration.ofHours(1))) {
      hours.add(Partitions.rawArrivalPartition(h));
    }
    return hours;
  }
}
