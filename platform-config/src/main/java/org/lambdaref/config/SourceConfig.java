package org.lambdaref.config;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.TimeBasis;
import org.lambdaref.model.ValidationRules;

/**
 * One raw source (e.g. {@code place_event}): how its days are cut and its records checked.
 *
 * @param name the source name; its raw files live under {@code <datasource>/<name>/}
 * @param timeBasis which clock decides an event's day
 * @param timestampZone zone of zone-less timestamps in its records
 * @param allowedLateness a day closes at its end plus this
 * @param maxClockSkew how far event time may run ahead of processing time
 * @param maxLineBytes longer records are rejected unparsed
 * @param period how its batch runs are cut: a run per day, or per hour
 */
public record SourceConfig(
    String name,
    TimeBasis timeBasis,
    ZoneId timestampZone,
    Duration allowedLateness,
    Duration maxClockSkew,
    int maxLineBytes,
    PeriodUnit period)
    implements Serializable {

  public static final PeriodUnit PERIOD_DEFAULT = PeriodUnit.DAY;

  /** A source cut into days, the default. */
  public SourceConfig(
      String name,
      TimeBasis timeBasis,
      ZoneId timestampZone,
      Duration allowedLateness,
      Duration maxClockSkew,
      int maxLineBytes) {
    this(
        name,
        timeBasis,
        timestampZone,
        allowedLateness,
        maxClockSkew,
        maxLineBytes,
        PERIOD_DEFAULT);
  }

  /** The same source with its batch runs cut by {@code unit}. */
  public SourceConfig withPeriod(PeriodUnit unit) {
    return new SourceConfig(
        name, timeBasis, timestampZone, allowedLateness, maxClockSkew, maxLineBytes, unit);
  }

  public ValidationRules validationRules() {
    return new ValidationRules(timestampZone, maxClockSkew, maxLineBytes);
  }

  static SourceConfig read(String name, Settings s) {
    return new SourceConfig(
        name,
        s.enumValue("time-basis", TimeBasis.class),
        s.zone("timestamp-zone"),
        s.duration("allowed-lateness"),
        s.duration("max-clock-skew"),
        s.intIn("max-line-bytes", 256, 64 << 20),
        s.enumValue("period", PeriodUnit.class));
  }
}
