package org.lambdaref.model;

import java.time.Instant;

/**
 * Which clock decides an event's day (notes 000, "Event time vs. processing time"). Server logs
 * carry trustworthy clocks and are processed by event time; mobile and IoT clocks lie, so their
 * logs are processed by the time the collector received them.
 *
 * <p>This is the one place that says which instant of a record decides its period: every layer asks
 * {@link #instantOf} (a parsed event) or {@link #column} (a stored row).
 */
public enum TimeBasis {
  EVENT(Columns.EVENT_TIME),
  PROCESSING(Columns.PROCESSING_TIME);

  private final Column column;

  TimeBasis(Column column) {
    this.column = column;
  }

  /** The instant that decides the event's period. */
  public Instant instantOf(PlaceEvent event) {
    return this == EVENT ? event.eventTime() : event.processingTime();
  }

  /** The stored column that holds that instant. */
  public Column column() {
    return column;
  }
}
