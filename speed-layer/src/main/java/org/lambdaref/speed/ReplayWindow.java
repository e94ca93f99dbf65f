package org.lambdaref.speed;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Properties;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * What a replay recounts. A replay from instant T re-reads Kafka from T's hour H (less the allowed
 * clock skew, so early-stamped events of H are not missed), after the counters and hot rows of
 * hours at or after H were deleted. While it runs, a record counts when its hour is at or after H,
 * or when it reached Kafka after the replay was launched: older hours were counted by the query
 * that ran before, and counting their records again would count them twice.
 *
 * @param countFrom H: hours from here on are recounted; {@link Instant#MIN} for everything
 * @param launchedAt when the replay was started
 * @param readFrom where Kafka reading starts; null for the earliest retained offsets
 */
public record ReplayWindow(Instant countFrom, Instant launchedAt, Instant readFrom) {

  /** The filter of a replaying query; a query that is not a replay counts everything. */
  public Column counts() {
    return functions
        .col("bucket_hour")
        .geq(functions.lit(Timestamp.from(clamp(countFrom))))
        .or(functions.col("kafka_timestamp").geq(functions.lit(Timestamp.from(launchedAt))));
  }

  private static Instant clamp(Instant instant) {
    // Spark timestamps start at year 1
    return instant.isBefore(Instant.parse("0001-01-01T00:00:00Z"))
        ? Instant.parse("0001-01-01T00:00:00Z")
        : instant;
  }

  public String toProperties() {
    return "count-from="
        + countFrom
        + "\nlaunched-at="
        + launchedAt
        + "\nread-from="
        + (readFrom == null ? "earliest" : readFrom)
        + "\n";
  }

  public static ReplayWindow fromProperties(Properties p) {
    String readFrom = p.getProperty("read-from");
    return new ReplayWindow(
        Instant.parse(p.getProperty("count-from")),
        Instant.parse(p.getProperty("launched-at")),
        "earliest".equals(readFrom) ? null : Instant.parse(readFrom));
  }
}
