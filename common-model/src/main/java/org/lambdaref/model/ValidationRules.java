package org.lambdaref.model;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What a source's records are checked against.
 *
 * @param localTimestampZone zone of zone-less {@code yyyy-MM-dd HH:mm:ss:SSS} timestamps
 * @param maxClockSkew how far event time may run ahead of processing time before the emitting clock
 *     is judged wrong (devices with bad clocks send events "from the future")
 * @param maxLineBytes records longer than this are refused rather than parsed
 */
public record ValidationRules(ZoneId localTimestampZone, Duration maxClockSkew, int maxLineBytes)
    implements Serializable {

  public static final Duration MAX_CLOCK_SKEW_DEFAULT = Duration.ofMinutes(10);
  public static final int MAX_LINE_BYTES_DEFAULT = 1 << 20;

  public ValidationRules {
    Objects.requireNonNull(localTimestampZone, "localTimestampZone");
    Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    if (maxClockSkew.isNegative()) {
      throw new IllegalArgumentException("maxClockSkew must not be negative: " + maxClockSkew);
    }
    if (maxLineBytes < 256) {
      throw new IllegalArgumentException("maxLineBytes must be at least 256: " + maxLineBytes);
    }
  }

  public static ValidationRules defaults(ZoneId zone) {
    return new ValidationRules(zone, MAX_CLOCK_SKEW_DEFAULT, MAX_LINE_BYTES_DEFAULT);
  }
}
