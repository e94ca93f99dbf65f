package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lambdaref.model.Action;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.BatchCoverage.LedgerRun;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.serving.BatchView.HourlyDay;
import org.lambdaref.serving.ServingQueries.ActionSeries;
import org.lambdaref.serving.ServingQueries.Bucket;
import org.lambdaref.serving.ServingQueries.Granularity;
import org.lambdaref.serving.ServingQueries.Source;

/**
 * The serving cut against an independent model, bucket by bucket: random ledger histories of the
 * kind operators make (forward runs, backfills of old days in any order, failed reruns, hourly days
 * with a missing or failed hour), in zones with and without daylight saving, with the batch view
 * loaded or never loaded. The model follows the history run by run and keeps, per day, whether a
 * good daily result and which good hourly results exist; it never calls the rule.
 *
 * <p>After every run the answer over the whole range is checked: each hour's source and count, and
 * that the run changed the source of no day other than its own.
 */
class ServingCutModelTest {

  private static final String PLACE = "p-1";
  private static final int DAYS = 20;

  /** What the test's model knows of one day, built run by run. */
  private static final class DayModel {
    boolean dailyGood;
    final Set<Integer> hoursGood = new HashSet<>();
  }

  @ParameterizedTest(name = "{0}, {1}, seed {2}")
  @CsvSource({
    "Asia/Seoul, DAY, 1",
    "Asia/Seoul, HOUR, 2",
    "UTC, DAY, 3",
    "Europe/Berlin, DAY, 4",
    "Europe/Berlin, HOUR, 5",
    "America/New_York, DAY, 6",
    "America/New_York, HOUR, 7"
  })
  void everyBucketComesFromTheViewTheModelSays(String zoneId, PeriodUnit unit, long seed) {
    ZoneId zone = ZoneId.of(zoneId);
    // the range holds both of the zone's clock changes of 2026 where it has them: March and
    // October/November
    LocalDate first =
        zoneId.equals("America/New_York") ? LocalDate.of(2026, 10, 25) : LocalDate.of(2026, 10, 17);
    Random random = new Random(seed);
    List<LedgerRun> ledger = new ArrayList<>();
    Map<LocalDate, DayModel> model = new TreeMap<>();
    Map<LocalDate, Source> previousSources = Map.of();
    Set<LocalDate> runSincePrevious = new HashSet<>();

    for (int step = 0; step < 60; step++) {
      // one operator action on one day: forward, backfill out of order, failed rerun, a lost hour
      LocalDate day = first.plusDays(random.nextInt(DAYS));
      DayModel m = model.computeIfAbsent(day, d -> new DayModel());
      runSincePrevious.add(day);
      String dayId = Partitions.day(day);
      int kind = random.nextInt(10);
      if (unit == PeriodUnit.HOUR) {
        for (int h = 0; h < 24; h++) {
          boolean ok = kind != 0 || h != 7; // kind 0: hour 7's aggregate fails this time
          ledger.add(
              new LedgerRun(
                  BatchCoverage.HOURLY_AGGREGATE_JOB,
                  dayId + String.format("%02d", h),
                  ok ? "succeeded" : "failed"));
          if (ok) {
            m.hoursGood.add(h);
          }
          if (kind == 1 && h == 12) {
            break; // kind 1: the run stopped after hour 12 (a killed application)
          }
        }
      }
      boolean dailyOk =
          kind != 2; // kind 2: the day's aggregate fails (a failed rerun if it ran before)
      if (kind != 1) {
        ledger.add(
            new LedgerRun(BatchCoverage.AGGREGATE_JOB, dayId, dailyOk ? "succeeded" : "failed"));
        m.dailyGood |= dailyOk;
      }
      // other jobs' rows never matter
      ledger.add(new LedgerRun("enrich_place_event", dayId, "succeeded"));

      BatchCoverage coverage = BatchCoverage.of(ledger, unit);
      boolean loaded = step % 13 != 5; // now and then the service has never loaded the view
      BatchView view = view(zone, coverage, first, loaded);
      Instant from = first.atStartOfDay(zone).toInstant();
      Instant to = first.plusDays(DAYS).atStartOfDay(zone).toInstant();
      SpeedView.Reading speed =
          SpeedView.Reading.complete(from, to, Instant.EPOCH, speedCounts(from, to), false);
      ActionSeries answer =
          ServingQueries.actionSeries(
              view, speed, PLACE, Action.IMPRESSION, from, to, Granularity.HOUR);

      Map<LocalDate, Source> sources = new HashMap<>();
      int i = 0;
      for (Instant h = from; h.isBefore(to); h = h.plusSeconds(3600), i++) {
        ZonedDateTime local = h.atZone(zone);
        DayModel dm = model.get(local.toLocalDate());
        boolean batch =
            loaded
                && dm != null
                && dm.dailyGood
                && (unit == PeriodUnit.DAY || dm.hoursGood.size() == 24);
        Bucket b = answer.buckets().get(i);
        assertThat(b.start().toInstant()).isEqualTo(h);
        assertThat(b.source())
            .as("step %d, %s (%s)", step, local, zone)
            .isEqualTo(batch ? Source.BATCH : Source.SPEED);
        assertThat(b.count())
            .as("step %d, %s", step, local)
            .isEqualTo(batch ? batchCount(local.toLocalDate(), h, zone) : 7L);
        sources.put(local.toLocalDate(), b.source());
      }
      assertThat(i)
          .as("hours in the range, clock changes included")
          .isEqualTo((int) ((to.getEpochSecond() - from.getEpochSecond()) / 3600));
      for (Map.Entry<LocalDate, Source> e : previousSources.entrySet()) {
        if (!runSincePrevious.contains(e.getKey()) && loaded) {
          assertThat(sources.get(e.getKey()))
              .as("step %d ran %s only; %s keeps its source", step, runSincePrevious, e.getKey())
              .isEqualTo(e.getValue());
        }
      }
      assertThat(answer.stale()).as("never loaded: the answer says so").isEqualTo(!loaded);
      if (loaded) {
        previousSources = sources;
        runSincePrevious.clear();
        assertThat(answer.coveredDays())
            .as("the response lists the covered days")
            .containsExactlyElementsOf(
                sources.entrySet().stream()
                    .filter(e -> e.getValue() == Source.BATCH)
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList());
      }
    }
  }

  /**
   * The batch view's count of a real hour: distinct for every hour of every day (the two hours of a
   * fall-back night included), so a wrong source or a hour read twice shows.
   */
  private static long batchCount(LocalDate day, Instant hour, ZoneId zone) {
    long index =
        (hour.getEpochSecond() - day.atStartOfDay(zone).toInstant().getEpochSecond()) / 3600;
    return 1000L + day.getDayOfMonth() * 25L + index;
  }

  private static Map<Instant, Long> speedCounts(Instant from, Instant to) {
    Map<Instant, Long> out = new TreeMap<>();
    for (Instant h = from; h.isBefore(to); h = h.plusSeconds(3600)) {
      out.put(h, 7L);
    }
    return out;
  }

  /** A batch view holding a value for every hour of every day, whatever is covered. */
  private static BatchView view(
      ZoneId zone, BatchCoverage coverage, LocalDate first, boolean loaded) {
    TreeMap<LocalDate, HourlyDay> hourly = new TreeMap<>();
    for (int d = 0; d < DAYS; d++) {
      LocalDate day = first.plusDays(d);
      long[] counts = new long[BatchView.SLOTS];
      Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
      int index = 0;
      for (Instant h = day.atStartOfDay(zone).toInstant();
          h.isBefore(end);
          h = h.plusSeconds(3600), index++) {
        counts[BatchView.slot(Action.IMPRESSION, index)] = batchCount(day, h, zone);
      }
      hourly.put(day, new HourlyDay(Set.of(), Map.of(PLACE, counts), 24));
    }
    return new BatchView(
        zone,
        loaded ? coverage : BatchCoverage.none(),
        BatchView.Versions.NONE,
        loaded ? Instant.now() : Instant.EPOCH,
        hourly,
        new TreeMap<>());
  }
}
