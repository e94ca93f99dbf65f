package org.lambdaref.batch;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.Period;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.Rejection;
import org.lambdaref.model.TimeBasis;
import org.lambdaref.model.ValidationResult;

/**
 * Which run owns a raw line, and as what. Every line is owned by exactly one run (of the source's
 * period unit: a day or an hour), one that reads the line's arrival hour, so that over any range
 * the runs' owned counts add up to the raw lines in it:
 *
 * <ul>
 *   <li>a rejected line: the run of its arrival period (the period its arrival hour starts in);
 *   <li>a valid line that arrived before its period closed: the run of its period (by event time
 *       for {@code event} sources, by arrival for {@code processing} sources, which are never
 *       late);
 *   <li>a valid line that arrived at or after its period's close: late, the run of its arrival
 *       period;
 *   <li>a valid line whose processing time lies outside its own arrival hour's reach (its owner
 *       would never read it): rejected as {@code arrival_mismatch} by its arrival period's run.
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
  public record Decision(Period owner, Status status, Rejection rejection) {
    public LocalDate ownerDay() {
      return owner.day();
    }
  }

  private final ZoneId zone;
  private final SourceConfig source;

  public Ownership(ZoneId zone, SourceConfig source) {
    this.zone = zone;
    this.source = source;
  }

  public Decision decide(ValidationResult result, Instant arrivalHourStart) {
    Period arrivalHourPeriod = period(arrivalHourStart);
    if (result instanceof ValidationResult.Rejected rejected) {
      return new Decision(arrivalHourPeriod, Status.REJECTED, rejected.rejection());
    }
    PlaceEvent event = ((ValidationResult.Valid) result).event();
    Instant arrival = event.processingTime();
    Period eventPeriod = eventPeriod(event);
    boolean late =
        source.timeBasis() == TimeBasis.EVENT
            && !arrival.isBefore(IngestWindow.of(eventPeriod, zone, source).close());
    Period owner = late ? period(arrival) : eventPeriod;
    if (!IngestWindow.of(owner, zone, source).readsHour(arrivalHourStart)) {
      return new Decision(
          arrivalHourPeriod,
          Status.REJECTED,
          new Rejection(
              Rejection.ARRIVAL_MISMATCH,
              "processing_time "
                  + arrival
                  + " is outside the reach of its arrival hour "
                  + arrivalHourStart
                  + " (the collector's partition and the record disagree)"));
    }
    return new Decision(owner, late ? Status.LATE : Status.ON_TIME, null);
  }

  /** The day an accepted event belongs to: by event time, or by arrival for processing sources. */
  public LocalDate eventDay(PlaceEvent event) {
    return eventPeriod(event).day();
  }

  /** The period an accepted event belongs to, in the source's period unit. */
  public Period eventPeriod(PlaceEvent event) {
    return period(source.timeBasis().instantOf(event));
  }

  private Period period(Instant instant) {
    return Period.containing(instant, zone, source.period());
  }
}
