package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.Action;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.serving.BatchView.HourlyDay;
import org.lambdaref.serving.ServingQueries.ActionSeries;
import org.lambdaref.serving.ServingQueries.Bucket;
import org.lambdaref.serving.ServingQueries.Granularity;
import org.lambdaref.serving.ServingQueries.Source;

/** The merge rule on views built in memory: batch up to the watermark, speed after, never both. */
class ServingQueriesTest {

  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final LocalDate D1 = LocalDate.of(2026, 11, 20);
  private static final LocalDate D2 = D1.plusDays(1);
  private static final LocalDate D3 = D1.plusDays(2);

  /** Batch has 10 impressions of p-1 in every hour of D1 and D2 (D2 not closed unless asked). */
  private static BatchView batch(Optional<LocalDate> watermark) {
    TreeMap<LocalDate, HourlyDay> hourly = new TreeMap<>();
    for (LocalDate d : List.of(D1, D2)) {
      long[] counts = new long[BatchView.SLOTS];
      for (int h = 0; h < 24; h++) {
        counts[BatchView.slot(Action.IMPRESSION, h)] = 10;
        counts[BatchView.slot(Action.CLICK, h)] = 1;
      }
      Map<String, long[]> places = new HashMap<>();
      places.put("p-1", counts);
      hourly.put(d, new HourlyDay(Set.of(), places, 48));
    }
    // the test's own reading of "closed up to": every loaded day at or before it is covered
    List<LocalDate> covered =
        watermark
            .map(w -> List.of(D1, D2).stream().filter(d -> !d.isAfter(w)).toList())
            .orElse(List.of());
    return new BatchView(
        SEOUL,
        BatchCoverage.ofDays(covered),
        BatchView.Versions.NONE,
        Instant.now(),
        hourly,
        new TreeMap<>());
  }

  /** Speed has 7 impressions in every hour of D1..D3 (it overlaps the batch on purpose). */
  private static SpeedView.Reading speed(boolean stale) {
    Map<Instant, Long> counts = new TreeMap<>();
    for (Instant h = D1.atStartOfDay(SEOUL).toInstant();
        h.isBefore(D3.plusDays(1).atStartOfDay(SEOUL).toInstant());
        h = h.plusSeconds(3600)) {
      counts.put(h, 7L);
    }
    return SpeedView.Reading.complete(
        D1.atStartOfDay(SEOUL).toInstant(),
        D3.plusDays(1).atStartOfDay(SEOUL).toInstant(),
        Instant.EPOCH,
        counts,
        stale);
  }

  private static Instant at(LocalDate d, int hour) {
    return d.atTime(hour, 0).atZone(SEOUL).toInstant();
  }

  @Test
  void bucketsUpToTheWatermarkComeFromTheBatchAndAfterItFromTheSpeedLayer() {
    // 20:00 on D1 to 04:00 on D3; watermark D1
    ActionSeries s =
        ServingQueries.actionSeries(
            batch(Optional.of(D1)),
            speed(false),
            "p-1",
            Action.IMPRESSION,
            at(D1, 20),
            at(D3, 4),
            Granularity.HOUR);

    assertThat(s.buckets()).hasSize(4 + 24 + 4);
    assertThat(s.buckets().subList(0, 4))
        .as("D1 hours")
        .allMatch(b -> b.source() == Source.BATCH && b.count() == 10);
    assertThat(s.buckets().subList(4, 32))
        .as("D2 and D3 hours")
        .allMatch(b -> b.source() == Source.SPEED && b.count() == 7);
    assertThat(s.total())
        .as("4 batch hours of 10 + 28 speed hours of 7")
        .isEqualTo(4 * 10 + 28 * 7);
    assertThat(s.buckets().get(4).start())
        .as("the first speed bucket starts at local midnight")
        .isEqualTo(D2.atStartOfDay(SEOUL));
    assertThat(s.stale()).isFalse();
  }

  @Test
  void movingTheWatermarkSwitchesADayToTheBatchWithoutCountingItTwice() {
    Instant from = at(D1, 0);
    Instant to = at(D3, 0);
    ActionSeries before =
        ServingQueries.actionSeries(
            batch(Optional.of(D1)),
            speed(false),
            "p-1",
            Action.IMPRESSION,
            from,
            to,
            Granularity.DAY);
    ActionSeries after =
        ServingQueries.actionSeries(
            batch(Optional.of(D2)),
            speed(false),
            "p-1",
            Action.IMPRESSION,
            from,
            to,
            Granularity.DAY);

    assertThat(before.buckets())
        .extracting(Bucket::source)
        .containsExactly(Source.BATCH, Source.SPEED);
    assertThat(before.buckets()).extracting(Bucket::count).containsExactly(240L, 168L);
    assertThat(after.buckets())
        .extracting(Bucket::source)
        .containsExactly(Source.BATCH, Source.BATCH);
    assertThat(after.buckets()).extracting(Bucket::count).containsExactly(240L, 240L);
    assertThat(after.total()).as("D2 counted once, from the batch").isEqualTo(480);
  }

  @Test
  void withoutAClosedDayEveryBucketIsRealTime() {
    ActionSeries s =
        ServingQueries.actionSeries(
            batch(Optional.empty()),
            speed(false),
            "p-1",
            Action.IMPRESSION,
            at(D1, 0),
            at(D1, 3),
            Granularity.HOUR);
    assertThat(s.buckets()).extracting(Bucket::source).containsOnly(Source.SPEED);
    assertThat(s.total()).isEqualTo(21);
    assertThat(ServingQueries.speedFrom(batch(Optional.empty()), at(D1, 0), at(D1, 3)))
        .isEqualTo(at(D1, 0));
  }

  @Test
  void staleOnlyWhenARealTimeBucketIsInTheAnswer() {
    ActionSeries batchOnly =
        ServingQueries.actionSeries(
            batch(Optional.of(D2)),
            speed(true),
            "p-1",
            Action.CLICK,
            at(D1, 0),
            at(D2, 0),
            Granularity.HOUR);
    ActionSeries mixed =
        ServingQueries.actionSeries(
            batch(Optional.of(D1)),
            speed(true),
            "p-1",
            Action.CLICK,
            at(D1, 0),
            at(D3, 0),
            Granularity.HOUR);
    assertThat(batchOnly.stale()).as("no bucket came from the speed layer").isFalse();
    assertThat(batchOnly.total()).isEqualTo(24);
    assertThat(mixed.stale()).isTrue();
  }

  @Test
  void anUnknownPlaceHasZeroBucketsFromBothViews() {
    ActionSeries s =
        ServingQueries.actionSeries(
            batch(Optional.of(D1)),
            SpeedView.Reading.NOTHING,
            "p-unknown",
            Action.IMPRESSION,
            at(D1, 22),
            at(D2, 2),
            Granularity.HOUR);
    assertThat(s.buckets()).extracting(Bucket::count).containsOnly(0L);
    assertThat(s.buckets())
        .extracting(Bucket::source)
        .containsExactly(Source.BATCH, Source.BATCH, Source.SPEED, Source.SPEED);
  }
}
