package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.lambdaref.counters.InMemoryCounterStore;
import org.lambdaref.model.Action;

/**
 * The real-time view's memory and its judgement of an outage, against a scripted store: what it
 * serves for each hour after reads of different widths and a failure, when it declares an outage,
 * and what it forgets first. The same rules against DynamoDB Local and a fault proxy are in {@link
 * ServingOutageTest}.
 */
class SpeedViewTest {

  private static final Instant T0 = Instant.parse("2026-11-25T15:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  /**
   * The in-memory twin of the DynamoDB store, whose counters the test sets (impressions of p-1) and
   * whose reads and warm-ups fail while {@code down} is set; it refuses what the view never does.
   */
  private static final class ScriptedStore extends InMemoryCounterStore {
    final AtomicReference<RuntimeException> down = new AtomicReference<>();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger warmUps = new AtomicInteger();
    private long nextBatch;

    /** Adds {@code n} impressions of p-1 at {@code hour}, as one more micro-batch would. */
    synchronized void count(Instant hour, long n) {
      super.add(List.of(new Delta("p-1", Action.IMPRESSION.wireName(), hour, n)), "q", nextBatch++);
    }

    @Override
    public AddResult add(List<Delta> deltas, String queryId, long batchId) {
      throw new UnsupportedOperationException("the serving layer never writes counters");
    }

    @Override
    public List<Counter> read(String placeId, Instant fromHour, Instant toHour) {
      throw new UnsupportedOperationException("the view reads one action at a time");
    }

    @Override
    public List<Counter> read(String placeId, String action, Instant fromHour, Instant toHour) {
      reads.incrementAndGet();
      if (down.get() != null) {
        throw down.get();
      }
      return super.read(placeId, action, fromHour, toHour);
    }

    @Override
    public void warmUp(Duration within) {
      warmUps.incrementAndGet();
      if (down.get() != null) {
        throw down.get();
      }
      super.warmUp(within);
    }

    @Override
    public long deleteFrom(Instant fromHour) {
      throw new UnsupportedOperationException("the serving layer never deletes counters");
    }
  }

  private static final class MovableClock extends Clock {
    Instant now = T0.plus(Duration.ofDays(10));

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static SpeedView.Limits limits(int maxKeys, long maxBytes, int maxHours) {
    return new SpeedView.Limits(
        Duration.ZERO,
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        3,
        Duration.ofMillis(50),
        maxKeys,
        maxBytes,
        maxHours);
  }

  private static Instant h(int i) {
    return T0.plus(HOUR.multipliedBy(i));
  }

  @Test
  void aStaleAnswerServesEveryHourAsLastReadAndNeverZeroesAnHourItHadSeen() {
    ScriptedStore store = new ScriptedStore();
    Random random = new Random(22);
    Map<Instant, Long> counted = new TreeMap<>();
    for (int i = 0; i < 120; i++) {
      if (random.nextInt(4) > 0) {
        long n = 1L + random.nextInt(50);
        counted.put(h(i), n);
        store.count(h(i), n);
      }
    }
    MovableClock clock = new MovableClock();
    SpeedView view = new SpeedView(store, limits(100, 1 << 20, 1_000), clock);
    view.markWarm();

    Instant wideReadAt = clock.now;
    assertThat(view.read("p-1", Action.IMPRESSION, h(0), h(120)).stale()).isFalse();
    // the narrow later read sees newer values for its hours: hour 114 grew
    store.count(h(114), 1000L);
    counted.merge(h(114), 1000L, Long::sum);
    clock.now = clock.now.plusSeconds(1);
    Instant narrowReadAt = clock.now;
    view.read("p-1", Action.IMPRESSION, h(114), h(120));

    store.down.set(new IllegalStateException("connection refused"));
    clock.now = clock.now.plusSeconds(30);
    SpeedView.Reading stale = view.read("p-1", Action.IMPRESSION, h(0), h(120));
    assertThat(stale.stale()).isTrue();
    for (int i = 0; i < 120; i++) {
      Optional<SpeedView.HourValue> v = stale.at(h(i));
      assertThat(v).as("hour %d was read", i).isPresent();
      assertThat(v.get().count()).as("hour %d", i).isEqualTo(counted.getOrDefault(h(i), 0L));
      assertThat(v.get().readAt())
          .as("hour %d read by the %s read", i, i >= 114 ? "narrow" : "wide")
          .isEqualTo(i >= 114 ? narrowReadAt : wideReadAt);
    }
    SpeedView.Reading wider = view.read("p-1", Action.IMPRESSION, h(-24), h(144));
    assertThat(wider.at(h(-1))).as("never read: unknown, not 0").isEmpty();
    assertThat(wider.at(h(120))).isEmpty();
    assertThat(wider.at(h(0))).isPresent();
    assertThat(view.read("p-1", Action.CLICK, h(0), h(2)).at(h(0)))
        .as("another action is another key")
        .isEmpty();
  }

  @Test
  void anOutageIsDeclaredOnlyAfterTheConfiguredFailuresInARowAndAProbeEndsIt() throws Exception {
    ScriptedStore store = new ScriptedStore();
    store.count(h(1), 4L);
    MovableClock clock = new MovableClock();
    SpeedView view = new SpeedView(store, limits(100, 1 << 20, 1_000), clock);
    view.start();
    view.read("p-1", Action.IMPRESSION, h(0), h(2)); // waits for the warm-up
    assertThat(store.warmUps.get()).isEqualTo(1);
    assertThat(view.state()).isEqualTo(SpeedView.State.HEALTHY);

    store.down.set(new IllegalStateException("connection reset"));
    assertThat(view.read("p-1", Action.IMPRESSION, h(0), h(2)).at(h(1)).orElseThrow().count())
        .isEqualTo(4);
    assertThat(view.state()).as("one failure is not an outage").isEqualTo(SpeedView.State.FAILING);
    store.down.set(null);
    assertThat(view.read("p-1", Action.IMPRESSION, h(0), h(2)).stale()).isFalse();
    assertThat(view.state()).isEqualTo(SpeedView.State.HEALTHY);
    assertThat(view.transientFailureRuns()).isEqualTo(1);
    assertThat(view.outagesDeclared()).isZero();

    store.down.set(new IllegalStateException("connection refused"));
    for (int i = 0; i < 3; i++) {
      view.read("p-1", Action.IMPRESSION, h(0), h(2));
    }
    assertThat(view.state()).isEqualTo(SpeedView.State.OUTAGE);
    assertThat(view.outagesDeclared()).isEqualTo(1);
    int readsBefore = store.reads.get();
    SpeedView.Reading during = view.read("p-1", Action.IMPRESSION, h(0), h(2));
    assertThat(during.stale()).isTrue();
    assertThat(during.at(h(1)).orElseThrow().count()).isEqualTo(4);
    assertThat(store.reads.get())
        .as("during an outage requests answer from memory at once")
        .isEqualTo(readsBefore);

    store.down.set(null);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (view.state() == SpeedView.State.OUTAGE && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(view.state()).as("the probe saw DynamoDB back").isEqualTo(SpeedView.State.HEALTHY);
    assertThat(view.read("p-1", Action.IMPRESSION, h(0), h(2)).stale()).isFalse();
    assertThat(view.transientFailureRuns())
        .as("the outage was declared, not transient")
        .isEqualTo(1);
    view.close();
  }

  @Test
  void aWarmUpThatFailsStartsTheViewInAnOutageInsteadOfHangingRequests() {
    ScriptedStore store = new ScriptedStore();
    store.down.set(new IllegalStateException("unknown host"));
    SpeedView view =
        new SpeedView(
            store,
            new SpeedView.Limits(
                Duration.ZERO,
                Duration.ofMillis(500),
                Duration.ofMillis(300),
                3,
                Duration.ofMillis(50),
                10,
                1 << 20,
                100),
            new MovableClock());
    view.start();
    SpeedView.Reading r = view.read("p-1", Action.IMPRESSION, h(0), h(2));
    assertThat(r.stale()).isTrue();
    assertThat(r.at(h(0))).isEmpty();
    assertThat(view.state()).isEqualTo(SpeedView.State.OUTAGE);
    assertThat(store.warmUps.get()).as("retried within the warm-up bound").isGreaterThan(1);
    view.close();
  }

  @Test
  void memoryStaysWithinItsKeyAndByteBudgetsForgettingTheLeastRecentlyAskedFirst() {
    ScriptedStore store = new ScriptedStore();
    MovableClock clock = new MovableClock();
    SpeedView byKeys = new SpeedView(store, limits(3, 1 << 20, 1_000), clock);
    byKeys.markWarm();
    for (String p : List.of("a", "b", "c")) {
      byKeys.read(p, Action.IMPRESSION, h(0), h(24));
    }
    byKeys.read("a", Action.IMPRESSION, h(0), h(24)); // "a" is now the most recently asked
    byKeys.read("d", Action.IMPRESSION, h(0), h(24));
    assertThat(byKeys.cachedKeys()).isEqualTo(3);
    store.down.set(new IllegalStateException("down"));
    assertThat(byKeys.read("a", Action.IMPRESSION, h(0), h(24)).at(h(0))).isPresent();
    assertThat(byKeys.read("b", Action.IMPRESSION, h(0), h(24)).at(h(0)))
        .as("b was the eldest")
        .isEmpty();

    store.down.set(null);
    long budget = 20_000;
    SpeedView byBytes = new SpeedView(store, limits(1_000, budget, 1_000), clock);
    byBytes.markWarm();
    for (int p = 0; p < 50; p++) {
      byBytes.read("p-" + p, Action.IMPRESSION, h(0), h(168)); // a week: about 1.4 KB each
    }
    assertThat(byBytes.cachedBytes()).isLessThanOrEqualTo(budget);
    assertThat(byBytes.cachedKeys()).isBetween(5, 20);

    SpeedView byHours = new SpeedView(store, limits(10, 1 << 20, 48), clock);
    byHours.markWarm();
    byHours.read("p", Action.IMPRESSION, h(0), h(24));
    byHours.read("p", Action.IMPRESSION, h(24), h(72));
    store.down.set(new IllegalStateException("down"));
    SpeedView.Reading kept = byHours.read("p", Action.IMPRESSION, h(0), h(72));
    assertThat(kept.at(h(23))).as("the oldest hours go first").isEmpty();
    assertThat(kept.at(h(24))).isPresent();
    assertThat(kept.at(h(71))).isPresent();
  }

  @Test
  void knownHoursLayANewReadingOverExactlyTheHoursItCovers() {
    KnownHours k =
        KnownHours.NONE
            .with(KnownHours.Span.read(h(0), h(10), T0, Map.of(h(2), 5L, h(8), 1L)), 100)
            .with(KnownHours.Span.read(h(4), h(6), T0.plusSeconds(9), Map.of(h(5), 7L)), 100);
    List<KnownHours.Span> spans = k.slice(h(0), h(10));
    assertThat(spans).extracting(KnownHours.Span::start).containsExactly(h(0), h(4), h(6));
    SpeedView.Reading r = new SpeedView.Reading(spans, true);
    assertThat(r.at(h(2)).orElseThrow()).isEqualTo(new SpeedView.HourValue(5, T0));
    assertThat(r.at(h(5)).orElseThrow()).isEqualTo(new SpeedView.HourValue(7, T0.plusSeconds(9)));
    assertThat(r.at(h(4)).orElseThrow()).isEqualTo(new SpeedView.HourValue(0, T0.plusSeconds(9)));
    assertThat(r.at(h(8)).orElseThrow()).isEqualTo(new SpeedView.HourValue(1, T0));
    assertThat(k.hours()).isEqualTo(10);
    assertThat(k.freshFor(h(0), h(10), T0.plusSeconds(5), Duration.ofSeconds(10))).isTrue();
    assertThat(k.freshFor(h(0), h(11), T0.plusSeconds(5), Duration.ofSeconds(10)))
        .as("hour 10 unknown")
        .isFalse();
    assertThat(k.freshFor(h(0), h(10), T0.plusSeconds(10), Duration.ofSeconds(10)))
        .as("hours 0-3 too old")
        .isFalse();
    assertThat(k.freshFor(h(4), h(6), T0.plusSeconds(10), Duration.ofSeconds(10))).isTrue();
  }
}
