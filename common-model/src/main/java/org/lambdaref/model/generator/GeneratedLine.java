package org.lambdaref.model.generator;

import java.time.Instant;

/**
 * One raw line as a collector would store it, with what the generator knows about it.
 *
 * @param arrival when the collector received it; decides the raw arrival partition (UTC hour)
 * @param kind what the line is meant to be, so tests can check the platform's classification
 */
public record GeneratedLine(String line, Instant arrival, Kind kind) {

  /** The generator's truth about a line. */
  public enum Kind {
    /** first copy of a distinct, on-time event */
    VALID,
    /** a second copy of an event id, arriving later */
    DUPLICATE,
    /** a distinct event that arrives after its day closed */
    LATE,
    /** a line that must be rejected */
    MALFORMED
  }
}
