package org.lambdaref.model;

/**
 * Which clock decides an event's day (notes 000, "Event time vs. processing time"). Server logs
 * carry trustworthy clocks and are processed by event time; mobile and IoT clocks lie, so their
 * logs are processed by the time the collector received them.
 */
public enum TimeBasis {
  EVENT,
  PROCESSING
}
