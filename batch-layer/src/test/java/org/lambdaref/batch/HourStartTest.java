package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;

/**
 * The Spark form of the hour start against java.time's, every 10 minutes through both clock changes
 * of 2026 in zones with whole-hour, half-hour and half-hour-DST offsets. The expected value is
 * java.time's own truncation of the zoned time, not the platform's function. The SQL form (for the
 * persistent view) is held to the same expectation.
 */
class HourStartTest {

  @TempDir Path root;

  @Test
  void sparksHourStartIsTheStartOfTheLocalHourAcrossClockChanges() {
    PlatformConfig config =
        ConfigLoader.load(
            "local", Map.of("platform.storage.root", root.toString()), Map.of(), root);
    SparkSession spark = SparkSessions.getOrCreate(config, "HourStartTest");
    for (String zoneId :
        List.of(
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "Asia/Kathmandu",
            "Pacific/Chatham",
            "UTC")) {
      ZoneId zone = ZoneId.of(zoneId);
      List<Row> rows = new ArrayList<>();
      for (String around :
          List.of(
              "2026-03-08T00:00:00Z",
              "2026-03-29T00:00:00Z",
              "2026-04-05T00:00:00Z",
              "2026-09-27T00:00:00Z",
              "2026-10-04T00:00:00Z",
              "2026-10-25T00:00:00Z",
              "2026-11-01T00:00:00Z")) {
        Instant start = Instant.parse(around).minus(18, ChronoUnit.HOURS);
        for (int i = 0; i < 6 * 48; i++) {
          Instant t = start.plus(10L * i, ChronoUnit.MINUTES).plusMillis(i % 7 * 1234);
          rows.add(RowFactory.create(Timestamp.from(t)));
        }
      }
      List<Row> out =
          spark
              .createDataFrame(rows, new StructType().add("event_time", DataTypes.TimestampType))
              .select(
                  col("event_time"),
                  HourStart.of("event_time", zone).as("hour_start"),
                  expr(HourStart.sql("event_time", zone)).as("hour_start_sql"))
              .collectAsList();
      for (Row r : out) {
        Instant t = r.getTimestamp(0).toInstant();
        Instant expected = t.atZone(zone).truncatedTo(ChronoUnit.HOURS).toInstant();
        assertThat(r.getTimestamp(1).toInstant()).as("%s in %s", t, zone).isEqualTo(expected);
        assertThat(r.getTimestamp(2).toInstant())
            .as("SQL form: %s in %s", t, zone)
            .isEqualTo(expected);
      }
    }
  }
}
