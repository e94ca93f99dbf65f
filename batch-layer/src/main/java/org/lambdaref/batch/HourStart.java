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

/**
 * {@link Partitions#hourStart} as a Spark column: the instant the platform-zone hour of a record
 * starts, computed by the very function the speed layer uses for its counter buckets, so the two
 * layers can never key an hour differently. (A SQL formula from the zone's offset agrees with it
 * everywhere but in zones whose clocks move by half an hour, such as Australia/Lord_Howe.) The two
 * local 02:00 hours of a fall-back night stay two hours, which a wall-clock truncation would fold
 * into one.
 *
 * <p>{@link #sql} is the same rule as a SQL expression, for a persistent view (which cannot call a
 * session's UDF); {@code HourStartTest} checks that the two agree on every half hour of several
 * years in zones with DST, half-hour and 45-minute offsets and a half-hour DST shift.
 */
public final class HourStart {

  private HourStart() {}

  /** The hour start of the TIMESTAMP column named {@code instantColumn} in {@code zone}. */
  public static Column of(String instantColumn, ZoneId zone) {
    UserDefinedFunction hourStart =
        udf(
            (UDF1<Timestamp, Timestamp>)
                t -> t == null ? null : Timestamp.from(Partitions.hourStart(t.toInstant(), zone)),
            DataTypes.TimestampType);
    return hourStart.apply(col(instantColumn));
  }

  /**
   * {@link Partitions#hourStart} as a Spark SQL expression over the TIMESTAMP expression {@code
   * instant}, for a session whose time zone is UTC (as every platform session is). Java truncates
   * the local time to the hour and keeps the instant's own offset when the truncated local time
   * exists with it (so the two 02:00 hours of a fall-back night stay apart), else takes the offset
   * the zone has there (a 30-minute DST shift, a gap). In SQL: {@code c1} = the truncated local
   * time at the instant's offset; if the zone's offset at {@code c1} is that offset, {@code c1};
   * otherwise the truncated local time at the offset found at {@code c1}.
   */
  public static String sql(String instant, ZoneId zone) {
    String z = "'" + zone.getId().replace("'", "") + "'";
    String local = "from_utc_timestamp(" + instant + ", " + z + ")";
    String offset = "(unix_micros(" + local + ") - unix_micros(" + instant + "))";
    String truncated = "unix_micros(date_trunc('HOUR', " + local + "))";
    String c1 = "(" + truncated + " - " + offset + ")";
    String offsetAtC1 =
        "(unix_micros(from_utc_timestamp(timestamp_micros(" + c1 + "), " + z + ")) - " + c1 + ")";
    return "timestamp_micros(CASE WHEN "
        + offsetAtC1
        + " = "
        + offset
        + " THEN "
        + c1
        + " ELSE "
        + truncated
        + " - "
        + offsetAtC1
        + " END)";
  }

  /**
   * The instant a local hour starts, from its day and hour partition values (a row written before
   * the {@code hour_start} column existed: on a fall-back night, the first of the two 02:00 hours).
   */
  public static String sqlOfPartition(String dayColumn, String hourColumn, ZoneId zone) {
    return "to_utc_timestamp(to_timestamp(concat("
        + dayColumn
        + ", "
        + hourColumn
        + "), 'yyyyMMddHH'), '"
        + zone.getId().replace("'", "")
        + "')";
  }

  /**
   * The hour start of a t1/t2 row by the source's time basis (the instant that decided its
   * partition).
   */
  public static Column ofRecord(SourceConfig source, ZoneId zone) {
    return of(source.timeBasis().column().name(), zone);
  }
}
