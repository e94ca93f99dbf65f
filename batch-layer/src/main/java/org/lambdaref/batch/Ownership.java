package org.lambdaref.batch;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.Rejection;
import org.lambdaref.model.TimeBasis;
import org.lambdaref.model.ValidationResult;

/**
 * Which run owns a raw line, and as what. Every line is owned by exactly one daily run, one that
 * reads the line's arrival hour, so that over any date range the runs' owned counts add up to the
 * raw lines in it:
 *
 * <ul>
 *   <li>a rejected line: the run of its arrival day (the day of its arrival hour);
 *   <li>a valid line that arrived before its day closed: the run of its day (event day for {@code
 *       event} sources, arrival day for {@code processing} sources, which are never late);
 *   <li>a valid line that arrived at or after its day's close: late, the run of its arrival day;
 *   <li>a valid line whose processing time lies outside its own arrival hour's reach (its owner
 *       would never read it): rejected as {@code arrival_mismatch} by its arrival day's run.
 * </ul>
 */
public final class Ownership {

  /** How the owning run sees the line, before deduplication. */
  public enum Status {
    ON_TIME,
    LATE,
    REJECTED
  }

  /** The decision for one line. */
  public record Decision(LocalDate ownerDay, Status status, Rejection rejection) {}

  private final ZoneId zone;
  private final SourceConfig source;

  public Ownership(ZoneId zone, SourceConfig source) {
    this.zone = zone;
    this.source = source;
  }

  public Decision decide(ValidationResult result, Instant arrivalHourStart) {
    LocalDate arrivalHourDay = day(arrivalHourStart);
    if (result instanceof ValidationResult.Rejected rejected) {
      return new Decision(arrivalHourDay, Status.REJECTED, rejected.rejection());
    }
    PlaceEvent event = ((ValidationResult.Valid) result).event();
    Instant arrival = event.processingTime();
    LocalDate eventDay = eventDay(event);
    boolean late =
        source.timeBasis() == TimeBasis.EVENT
            && !arrival.isBefore(IngestWindow.of(eventDay, zone, source).close());
    LocalDate owner = late ? day(arrival) : eventDay;
    if (!IngestWindow.of(owner, zone, source).readsHour(arrivalHourStart)) {
      return new Decision(
          arrivalHourDay,
          Status.REJECTED,
          new Rejection(
              Rejection.ARRIVAL_MISMATCH,
              "processing_time " + arrival + " is outside the reach of its arrival hour " + arrivalHourStart
                  + " (the collector's partition and the record disagree)"));
    }
    return new Decision(owner, late ? Status.LATE : Status.ON_TIME, null);
  }

  /** The day an accepted event belongs to: by event time, or by arrival for processing sources. */
  public LocalDate eventDay(PlaceEvent event) {
    Instant basis = source.timeBasis() == TimeBasis.EVENT ? event.eventTime() : event.processingTime();
    return day(basis);
  }

  private LocalDate day(Instant instant) {
    return instant.atZone(zone).toLocalDate();
  }
}
