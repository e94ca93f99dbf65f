package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lambdaref.model.Columns.ACTION;
import static org.lambdaref.model.Columns.EVENT_TIME;
import static org.lambdaref.model.Columns.PLACE_ID;
import static org.lambdaref.model.Columns.P_HH;
import static org.lambdaref.model.Columns.P_YMD;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lambdaref.batch.AggregateJob;
import org.lambdaref.batch.HourStart;
import org.lambdaref.batch.Lake;
import org.lambdaref.batch.Ledger;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Action;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.serving.ServingQueries.ActionSeries;
import org.lambdaref.serving.ServingQueries.Bucket;
import org.lambdaref.serving.ServingQueries.Granularity;

/**
 * Both clock changes of a zone with daylight saving, from t2 rows through the batch layer's own
 * hourly aggregation and Delta writer to the serving layer's answer: the fall-back day has 25
 * hourly buckets with the two local 01:00 or 02:00 hours apart, the spring-forward day 23, and the
 * day totals are the events sent. The expected counts are what the test put in each real hour.
 */
class DaylightSavingTest {

  @TempDir Path root;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // zone, spring-forward day, fall-back day, the repeated local hour on the fall-back day
    "Europe/Berlin, 2026-03-29, 2026-10-25, 2",
    "America/New_York, 2026-03-08, 2026-11-01, 1"
  })
  void theTwoHoursOfAFallBackNightStayApartAndASpringForwardDayHas23Hours(
      String zoneId, LocalDate spring, LocalDate fall, int repeated) {
    ZoneId zone = ZoneId.of(zoneId);
    Map<String, String> o = new LinkedHashMap<>();
    o.put("platform.storage.root", root.resolve("lake").toString());
    o.put("platform.work-dir", root.resolve("work").toString());
    o.put("platform.timezone", zoneId);
    PlatformConfig config = ConfigLoader.load("local", o, Map.of(), root);
    Lake lake = new Lake(SparkSessions.getOrCreate(config, "DaylightSavingTest"), config);

    // every real hour of both days gets its own count: 1 + its index in the day
    Map<Instant, Long> sent = new LinkedHashMap<>();
    List<Map<String, ?>> events = new ArrayList<>();
    for (LocalDate day : List.of(spring, fall)) {
      Instant start = day.atStartOfDay(zone).toInstant();
      Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
      int index = 0;
      for (Instant h = start; h.isBefore(end); h = h.plusSeconds(3600), index++) {
        sent.put(h, 1L + index);
        for (int e = 0; e <= index; e++) {
          Instant t = h.plusSeconds(60L * e + 7);
          Partitions.DayHour p = Partitions.tierPartition(t, zone);
          events.add(
              Map.of(
                  PLACE_ID.name(),
                  "p-1",
                  ACTION.name(),
                  "impression",
                  EVENT_TIME.name(),
                  Timestamp.from(t),
                  P_YMD.name(),
                  p.ymd(),
                  P_HH.name(),
                  p.hh()));
        }
      }
    }
    Dataset<Row> enriched =
        SparkSchemas.frame(lake.spark(), PlatformTables.PLACE_EVENT_ENRICHED, events);
    Dataset<Row> hourly = AggregateJob.actionsPerHour(enriched, HourStart.of("event_time", zone));
    for (LocalDate day : List.of(spring, fall)) {
      lake.replaceDay(
          hourly.filter(hourly.col(Partitions.DAY_COLUMN).equalTo(Partitions.day(day))),
          PlatformTables.PLACE_ACTION_1H,
          Partitions.day(day),
          true);
      new Ledger(lake)
          .record(
              BatchCoverage.AGGREGATE_JOB,
              "place_event",
              Partitions.day(day),
              () -> Ledger.Entry.rows(0, Map.of()));
    }
    assertThat(
            lake.day(PlatformTables.PLACE_ACTION_1H, Partitions.day(fall))
                .filter(Partitions.HOUR_COLUMN + " = '" + String.format("%02d", repeated) + "'")
                .count())
        .as("one p_hh partition, two rows: one per real hour")
        .isEqualTo(2);

    BatchView view =
        new BatchViewLoader(
                new DeltaTableReader(HadoopSettings.of(config)),
                config.storage(),
                zone,
                PeriodUnit.DAY,
                Clock.systemUTC())
            .load(BatchView.empty(zone));
    assertThat(view.coverage().days()).containsExactly(spring, fall);

    for (LocalDate day : List.of(spring, fall)) {
      Instant from = day.atStartOfDay(zone).toInstant();
      Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
      ActionSeries s =
          ServingQueries.actionSeries(
              view,
              SpeedView.Reading.NOTHING,
              "p-1",
              Action.IMPRESSION,
              from,
              to,
              Granularity.HOUR);
      assertThat(s.buckets()).as("hours of %s", day).hasSize(day.equals(spring) ? 23 : 25);
      long expectedTotal = 0;
      for (Bucket b : s.buckets()) {
        Instant h = b.start().toInstant();
        assertThat(b.count()).as("%s (%s)", b.start(), h).isEqualTo(sent.get(h));
        expectedTotal += sent.get(h);
      }
      assertThat(s.total()).isEqualTo(expectedTotal);
      ActionSeries daily =
          ServingQueries.actionSeries(
              view, SpeedView.Reading.NOTHING, "p-1", Action.IMPRESSION, from, to, Granularity.DAY);
      assertThat(daily.buckets()).hasSize(1);
      assertThat(daily.total()).as("the day's events, each counted once").isEqualTo(expectedTotal);
    }
    List<String> fallStarts =
        ServingQueries.actionSeries(
                view,
                SpeedView.Reading.NOTHING,
                "p-1",
                Action.IMPRESSION,
                fall.atStartOfDay(zone).toInstant(),
                fall.plusDays(1).atStartOfDay(zone).toInstant(),
                Granularity.HOUR)
            .buckets()
            .stream()
            .map(b -> b.start().toOffsetDateTime().toString())
            .toList();
    assertThat(fallStarts.stream().filter(t -> t.contains(String.format("T%02d:00", repeated))))
        .as("two distinct offsets")
        .hasSize(2)
        .doesNotHaveDuplicates();
  }
}
