package org.lambdaref.config;

import java.time.Duration;
import java.time.ZoneId;
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
 */
public record SourceConfig(
    String name,
    TimeBasis timeBasis,
    ZoneId timestampZone,
    Duration allowedLateness,
    Duration maxClockSkew,
    int maxLineBytes) implements java.io.Serializable {

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
        s.intIn("max-line-bytes", 256, 64 << 20));
  }
}
