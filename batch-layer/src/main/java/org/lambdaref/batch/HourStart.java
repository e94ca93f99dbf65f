package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.sql.Timestamp;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.TimeBasis;

/**
 * {@link Partitions#hourStart} as a Spark column: the instant the platform-zone hour of a record
 * starts, computed by the very function the speed layer uses for its counter buckets, so the two
 * layers can never key an hour differently. (A SQL formula from the zone's offset agrees with it
 * everywhere but in zones whose clocks move by half an hour, such as Australia/Lord_Howe.) The two
 * local 02:00 hours of a fall-back night stay two hours, which a wall-clock truncation would fold
 * into one.
 */
public final class HourStart {

  private HourStart() {}

  /** The hour start of the TIMESTAMP column named {@code instantColumn} in {@code zone}. */
  public static Column of(String instantColumn, ZoneId zone) {
    UserDefinedFunction hourStart = udf((UDF1<Timestamp, Timestamp>) t ->
        t == null ? null : Timestamp.from(Partitions.hourStart(t.toInstant(), zone)), DataTypes.TimestampType);
    return hourStart.apply(col(instantColumn));
  }

  /** The hour start of a t1/t2 row by the source's time basis (the instant that decided its partition). */
  public static Column ofRecord(SourceConfig source, ZoneId zone) {
    return of(source.timeBasis() == TimeBasis.EVENT ? "event_time" : "processing_time", zone);
  }
}
