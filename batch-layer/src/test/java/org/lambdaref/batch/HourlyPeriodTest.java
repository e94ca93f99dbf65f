package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Columns;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;
import org.lambdaref.model.ValidationResult;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;

/**
 * A source cut into hours ({@code period = hour}): a day replayed as its 24 hourly runs, each
 * closing at its hour's end + lateness, balancing on its own and replacing only its own rows; the
 * daily tables follow the day's hour 23. The expected counts are worked out here from the event
 * times, arrivals and generator labels, not with the job's classes.
 *
 * <p>The setup replays {@link #DAY} as its 24 hourly runs once; the tests check that replay, rerun
 * one of its hours, or run hours of the next day, in any order.
 */
class HourlyPeriodTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);
  private static final Duration LATENESS = Duration.ofHours(1);
  private static final Set<BatchPipeline.Job> JOBS =
      EnumSet.of(
          BatchPipeline.Job.COLLECT,
          BatchPipeline.Job.SNAPSHOT,
          BatchPipeline.Job.ENRICH,
          BatchPipeline.Job.AGGREGATE);

  @TempDir static Path root;
  private static PlatformConfig config;
  private static SparkSession spark;
  private static Lake lake;
  private static List<GeneratedLine> lines;

  /** The setup's 24 hourly runs of {@link #DAY} (and the day of its daily tables). */
  private static List<BatchPipeline.PeriodResult> dayRuns;

  /** The collect job's ledger rows by period, read right after {@link #dayRuns}. */
  private static Map<String, Row> collectedByDayRuns;

  /** What one hourly run must count. */
  record Expected(long onTime, Set<String> ids, long late, long rejected) {
    long owned() {
      return onTime + late + rejected;
    }
  }

  @BeforeAll
  static void setUp() {
    config =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.storage.root", root.toString(),
                "platform.timezone", "Asia/Seoul",
                "platform.source-db.mode", "dump",
                "platform.sources.place_event.period", "hour",
                "platform.sources.place_event.allowed-lateness", "1h"),
            Map.of(),
            root);
    spark = SparkSessions.getOrCreate(config, "HourlyPeriodTest");
    lake = new Lake(spark, config);
    lines =
        EventGenerator.generate(
            new GeneratorSpec(DAY, 2, 400, 25, 60, 0.15, 0.03, 0.03, SEOUL, LATENESS, 17));
    RawFixtures.writeRaw(root, lines);
    RawFixtures.writePlaceDump(spark, config, DAY);
    RawFixtures.writePlaceDump(spark, config, DAY.plusDays(1));
    dayRuns =
        new BatchPipeline(lake, "place_event").runPeriods(hoursOf(DAY), JOBS, 2, false, r -> {});
    collectedByDayRuns = new HashMap<>();
    lake.read(PlatformTables.BATCH_LEDGER)
        .filter(col("job").equalTo(CollectJob.JOB_NAME))
        .collectAsList()
        .forEach(r -> collectedByDayRuns.put(r.getAs("period"), r));
  }

  /**
   * The rule, hour by hour: a valid line belongs to the hour of its event time and is late when it
   * arrives at or after that hour's end + lateness (then its arrival hour owns it); a malformed
   * line belongs to the local hour its arrival starts in; copies of an id within an hour count
   * once.
   */
  private static Map<String, Expected> expected() {
    EventValidator validator = new EventValidator(config.source("place_event").validationRules());
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Set<String>> ids = new HashMap<>();
    for (GeneratedLine line : lines) {
      Instant arrivalHour = line.arrival().truncatedTo(ChronoUnit.HOURS);
      ValidationResult result = validator.validate(line.line());
      if (line.kind() == GeneratedLine.Kind.MALFORMED) {
        assertThat(result)
            .as("a malformed line of the generator")
            .isInstanceOf(ValidationResult.Rejected.class);
        counts.computeIfAbsent(localHour(arrivalHour), k -> new long[3])[2]++;
        continue;
      }
      PlaceEvent e = ((ValidationResult.Valid) result).event();
      Instant eventHourEnd =
          e.eventTime()
              .truncatedTo(ChronoUnit.HOURS)
              .plus(Duration.ofHours(1)); // Seoul: whole-hour offset
      if (!e.processingTime().isBefore(eventHourEnd.plus(LATENESS))) {
        counts.computeIfAbsent(localHour(e.processingTime()), k -> new long[3])[1]++;
      } else {
        String owner = localHour(e.eventTime());
        counts.computeIfAbsent(owner, k -> new long[3])[0]++;
        ids.computeIfAbsent(owner, k -> new HashSet<>()).add(e.eventId());
      }
    }
    Map<String, Expected> out = new TreeMap<>();
    counts.forEach(
        (hour, c) ->
            out.put(hour, new Expected(c[0], ids.getOrDefault(hour, Set.of()), c[1], c[2])));
    return out;
  }

  private static String localHour(Instant instant) {
    return Period.containing(instant, SEOUL, PeriodUnit.HOUR).id();
  }

  private static List<Period> hoursOf(LocalDate day) {
    return RunArguments.parse(day.toString(), "1", null, "local").periods(PeriodUnit.HOUR);
  }

  private static Row latestLedgerRow(String job, String period) {
    return lake.read(PlatformTables.BATCH_LEDGER)
        .filter(col("job").equalTo(job).and(col("period").equalTo(period)))
        .orderBy(col("ended_at").desc())
        .first();
  }

  /** Values of {@code column} per {@code key} of a table's day, read in one query. */
  private static Map<String, Set<String>> grouped(Dataset<Row> rows, String key, String column) {
    Map<String, Set<String>> out = new HashMap<>();
    for (Row r : rows.select(col(key).cast("string"), col(column).cast("string")).collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
    }
    return out;
  }

  @Test
  void aDayOfHourlyRunsBalancesHourByHourAndTheDailyTablesFollowItsLastHour() {
    List<Period> hours = hoursOf(DAY);
    assertThat(hours)
        .as("a day start counts days; each day is its 24 hours")
        .hasSize(24)
        .startsWith(Period.ofHour(DAY, 0))
        .endsWith(Period.ofHour(DAY, 23));

    assertThat(dayRuns)
        .as("24 hours and the day of the daily tables")
        .hasSize(25)
        .allSatisfy(
            r ->
                assertThat(r.status())
                    .as("%s: %s", r.period(), r.error())
                    .isEqualTo(RunStatus.SUCCEEDED));
    Map<String, Expected> expected = expected();
    Map<String, Row> collected = collectedByDayRuns;
    Map<String, Set<String>> eventsByHour =
        grouped(
            lake.day(PlatformTables.PLACE_EVENT, Partitions.day(DAY)),
            Partitions.HOUR_COLUMN,
            "event_id");
    Map<String, Set<String>> quarantinedByOwner =
        grouped(
            lake.day(PlatformTables.PLACE_EVENT_QUARANTINE, Partitions.day(DAY))
                .withColumn("row", monotonically_increasing_id()),
            Columns.OWNER_PERIOD.name(),
            "row");
    long acceptedTotal = 0;
    long rejectedTotal = 0;
    long lateTotal = 0;
    for (Period hour : hours) {
      Expected want = expected.getOrDefault(hour.id(), new Expected(0, Set.of(), 0, 0));
      Row ledger = collected.get(hour.id());
      assertThat(ledger).as("the ledger row of %s, run once", hour).isNotNull();
      assertThat(ledger.<Long>getAs("owned"))
          .as("owned by the run of %s", hour)
          .isEqualTo(want.owned());
      assertThat(ledger.<Long>getAs("accepted"))
          .as("accepted in %s", hour)
          .isEqualTo(want.ids().size());
      assertThat(ledger.<Long>getAs("duplicates"))
          .as("duplicates within %s", hour)
          .isEqualTo(want.onTime() - want.ids().size());
      assertThat(ledger.<Long>getAs("late")).as("late, owned by %s", hour).isEqualTo(want.late());
      assertThat(ledger.<Long>getAs("rejected"))
          .as("rejected, owned by %s", hour)
          .isEqualTo(want.rejected());
      assertThat(eventsByHour.getOrDefault(hour.hh(), Set.of()))
          .as("the events of the partition p_ymd/p_hh of %s", hour)
          .isEqualTo(want.ids());
      assertThat(quarantinedByOwner.getOrDefault(hour.id(), Set.of()))
          .as("quarantine rows the run of %s owns", hour)
          .hasSize((int) want.rejected());
      acceptedTotal += want.ids().size();
      rejectedTotal += want.rejected();
      lateTotal += want.late();
    }
    assertThat(rejectedTotal).as("the day has rejected lines to count").isPositive();
    assertThat(lateTotal).as("the day has lines late for their hour").isPositive();
    assertThat(lake.day(PlatformTables.PLACE_EVENT_LATE, Partitions.day(DAY)).count())
        .isEqualTo(lateTotal);

    long t2 = lake.day(PlatformTables.PLACE_EVENT_ENRICHED, Partitions.day(DAY)).count();
    assertThat(t2).as("t2 holds every accepted event of the day's hours").isEqualTo(acceptedTotal);
    Row hourly =
        lake.day(PlatformTables.PLACE_ACTION_1H, Partitions.day(DAY)).agg(sum("events")).first();
    assertThat(hourly.getLong(0))
        .as("the hourly t3 counts every t2 event once")
        .isEqualTo(acceptedTotal);
    long impressions =
        lake.day(PlatformTables.PLACE_EVENT_ENRICHED, Partitions.day(DAY))
            .filter(col("action").equalTo("impression"))
            .count();
    Row daily =
        lake.day(PlatformTables.PLACE_IMPRESSION_1D, Partitions.day(DAY))
            .agg(sum("impressions"))
            .first();
    assertThat(daily.getLong(0))
        .as("the daily t3, built after hour 23 from all 24 hours")
        .isEqualTo(impressions);
    assertThat(latestLedgerRow(AggregateJob.JOB_NAME, Partitions.day(DAY)).<String>getAs("status"))
        .isEqualTo("succeeded");
    assertThat(LedgerCoverage.of(lake).days())
        .as("the batch covers the day once all its hours are in")
        .containsExactly(DAY);
  }

  @Test
  void rerunningOneHourLeavesEveryTableAsItWasAndTheOtherHoursRowsInPlace() {
    Map<String, List<String>> before = tables();

    List<BatchPipeline.PeriodResult> rerun =
        new BatchPipeline(lake, "place_event")
            .runPeriods(List.of(Period.ofHour(DAY, 15)), JOBS, 1, false, r -> {});

    assertThat(rerun)
        .as("the hour, and its day's snapshot; no daily t3 without hour 23")
        .extracting(r -> r.period().id())
        .containsExactly("2019060815", "20190608");
    assertThat(rerun)
        .allSatisfy(
            r ->
                assertThat(r.status())
                    .as("%s: %s", r.period(), r.error())
                    .isEqualTo(RunStatus.SUCCEEDED));
    assertThat(tables()).as("every table after rerunning 2019-06-08T15").isEqualTo(before);
  }

  @Test
  void theDailyTablesOfADayWaitUntilAllItsHoursAreLoaded() {
    LocalDate next = DAY.plusDays(1);
    List<BatchPipeline.PeriodResult> results =
        new BatchPipeline(lake, "place_event")
            .runPeriods(
                List.of(Period.ofHour(next, 22), Period.ofHour(next, 23)), JOBS, 1, false, r -> {});

    assertThat(results.stream().filter(r -> r.period().isHour()))
        .allSatisfy(
            r ->
                assertThat(r.status())
                    .as("%s: %s", r.period(), r.error())
                    .isEqualTo(RunStatus.SUCCEEDED));
    BatchPipeline.PeriodResult day =
        results.stream().filter(r -> !r.period().isHour()).findFirst().orElseThrow();
    assertThat(day.status())
        .as("the day %s with 22 hours never loaded", next)
        .isEqualTo(RunStatus.FAILED);
    assertThat(day.error())
        .contains("22 of its 24 hours are not in t2")
        .contains("--start-date " + next + "T00");
    assertThat(LedgerCoverage.of(lake).days())
        .as("a day built from part of its hours is not covered")
        .containsExactly(DAY);
  }

  @Test
  void thePlanListsTheStagesOfAnHourlySource() {
    List<String> plan = BatchPipeline.plan(config, "place_event", hoursOf(DAY), JOBS, 2);
    assertThat(plan)
        .filteredOn(l -> l.startsWith("stage"))
        .containsExactly(
            "stage 1 (t1_db): [snapshot], 2 at once",
            "stage 2 (t1, t2): [collect, enrich], 2 at once",
            "stage 3 (t3 hourly): [aggregate], 2 at once",
            "stage 4 (t3 daily, export): [aggregate], 2 at once");
    assertThat(plan).contains("  2019060800", "  2019060823", "  20190608");
  }

  /** Every table's rows of the day, sorted, as text. */
  private static Map<String, List<String>> tables() {
    Map<String, List<String>> out = new TreeMap<>();
    for (var table :
        List.of(
            PlatformTables.PLACE_EVENT,
            PlatformTables.PLACE_EVENT_QUARANTINE,
            PlatformTables.PLACE_EVENT_LATE,
            PlatformTables.PLACE_EVENT_ENRICHED,
            PlatformTables.PLACE_ACTION_1H,
            PlatformTables.PLACE_IMPRESSION_1D)) {
      out.put(
          table.name().qualified(),
          lake.day(table, Partitions.day(DAY)).collectAsList().stream()
              .map(Row::toString)
              .sorted()
              .toList());
    }
    return out;
  }
}
