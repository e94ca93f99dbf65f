package org.lambdaref.model;

/**
 * How a source's batch runs are cut: a run per day, or a run per hour (the {@code _hourly} tables
 * loaded hour by hour, as the naming rule of the notes 004 section 14 reads). The unit decides the
 * close, the raw arrival window, the dedup scope and the partitions a run replaces.
 */
public enum PeriodUnit {
  DAY,
  HOUR
}
