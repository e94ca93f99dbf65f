package org.lambdaref.counters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lambdaref.counters.CounterStore.AddResult;
import org.lambdaref.counters.CounterStore.Counter;
import org.lambdaref.counters.CounterStore.Delta;

/**
 * What every {@link CounterStore} does, as the speed layer (writes) and the serving layer (reads)
 * rely on it. A subclass gives a new, empty store per case. Every expected value is worked out by
 * hand from the rules in {@link CounterStore} and {@link DynamoDbCounterStore}: applied when the
 * key is new, or was last written by another query, or by a lower batch of this query; applying
 * adds the count and makes this query and batch the key's last.
 */
abstract class CounterStoreContract {

  static final Instant H10 = Instant.parse("2026-03-01T10:00:00Z");
  static final Instant H11 = Instant.parse("2026-03-01T11:00:00Z");
  static final Instant H12 = Instant.parse("2026-03-01T12:00:00Z");
  static final Instant H13 = Instant.parse("2026-03-01T13:00:00Z");
  static final Instant H14 = Instant.parse("2026-03-01T14:00:00Z");
  static final Instant FAR_PAST = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");

  protected CounterStore store;

  /** A new store that holds no counters. */
  protected abstract CounterStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static Delta impression(String place, Instant hour, long count) {
    return new Delta(place, "impression", hour, count);
  }

  private static Delta click(String place, Instant hour, long count) {
    return new Delta(place, "click", hour, count);
  }

  private List<Counter> all(String place) {
    return store.read(place, FAR_PAST, FAR_FUTURE);
  }

  @Test
  void aRetriedBatchChangesNoKeyItReachedAndAppliesTheKeysItDidNot() {
    assertThat(store.add(List.of(impression("p-1", H10, 3), impression("p-1", H11, 5)), "q-1", 0))
        .isEqualTo(new AddResult(2, 0));
    // batch 1's first attempt crashed after writing its first key only
    assertThat(store.add(List.of(impression("p-1", H10, 2)), "q-1", 1))
        .isEqualTo(new AddResult(1, 0));

    assertThat(
            store.add(
                List.of(impression("p-1", H10, 2), impression("p-1", H11, 4), click("p-1", H11, 1)),
                "q-1",
                1))
        .as("the retry: H10 had batch 1 already")
        .isEqualTo(new AddResult(2, 1));
    assertThat(
            store.add(
                List.of(impression("p-1", H10, 2), impression("p-1", H11, 4), click("p-1", H11, 1)),
                "q-1",
                1))
        .as("a second retry changes nothing")
        .isEqualTo(new AddResult(0, 3));

    assertThat(all("p-1"))
        .containsExactly(
            new Counter("p-1", "impression", H10, 5, "q-1", 1),
            new Counter("p-1", "click", H11, 1, "q-1", 1),
            new Counter("p-1", "impression", H11, 9, "q-1", 1));
  }

  @Test
  void aBatchAtOrBelowTheKeysLastBatchIsSkippedAndTheLastBatchIsPerKey() {
    store.add(List.of(impression("p-1", H10, 3)), "q-1", 5);
    assertThat(store.add(List.of(impression("p-1", H10, 10)), "q-1", 4))
        .isEqualTo(new AddResult(0, 1));
    assertThat(store.add(List.of(impression("p-1", H10, 10)), "q-1", 5))
        .isEqualTo(new AddResult(0, 1));
    assertThat(store.add(List.of(impression("p-1", H10, 1)), "q-1", 6))
        .isEqualTo(new AddResult(1, 0));
    // another key has seen no batch yet: batch 2 is new to it although p-1/H10 is at 6
    assertThat(store.add(List.of(impression("p-1", H10, 9), impression("p-1", H11, 7)), "q-1", 2))
        .isEqualTo(new AddResult(1, 1));

    assertThat(all("p-1"))
        .containsExactly(
            new Counter("p-1", "impression", H10, 4, "q-1", 6),
            new Counter("p-1", "impression", H11, 7, "q-1", 2));
  }

  @Test
  void aNewQueryIdAfterACheckpointResetCountsOnFromWhereTheKeyStands() {
    store.add(List.of(impression("p-1", H10, 4)), "q-old", 0);
    store.add(List.of(impression("p-1", H10, 6)), "q-old", 1);
    // the checkpoint was reset: the new query numbers its batches from 0 again
    assertThat(store.add(List.of(impression("p-1", H10, 2), impression("p-1", H11, 1)), "q-new", 0))
        .isEqualTo(new AddResult(2, 0));
    assertThat(store.add(List.of(impression("p-1", H10, 2), impression("p-1", H11, 1)), "q-new", 0))
        .as("the new query's retry")
        .isEqualTo(new AddResult(0, 2));
    assertThat(store.add(List.of(impression("p-1", H10, 1)), "q-new", 1))
        .isEqualTo(new AddResult(1, 0));

    assertThat(all("p-1"))
        .containsExactly(
            new Counter("p-1", "impression", H10, 13, "q-new", 1),
            new Counter("p-1", "impression", H11, 1, "q-new", 0));
  }

  @Test
  void aKeyRemembersOnlyItsLastWriterSoAnOlderQuerysRetryCountsAgain() {
    store.add(List.of(impression("p-1", H10, 3)), "q-a", 5);
    store.add(List.of(impression("p-1", H10, 4)), "q-b", 0);
    // why one writer at a time (WriterLease): q-a's batch 5 is no longer recognised
    assertThat(store.add(List.of(impression("p-1", H10, 3)), "q-a", 5))
        .isEqualTo(new AddResult(1, 0));

    assertThat(all("p-1")).containsExactly(new Counter("p-1", "impression", H10, 10, "q-a", 5));
  }

  @Test
  void countsAreAddedAsGivenZeroAndNegativeOnesToo() {
    assertThat(store.add(List.of(impression("p-1", H10, 0)), "q-1", 0))
        .isEqualTo(new AddResult(1, 0));
    assertThat(all("p-1"))
        .as("a zero delta creates its key")
        .containsExactly(new Counter("p-1", "impression", H10, 0, "q-1", 0));
    store.add(List.of(impression("p-1", H10, 5)), "q-1", 1);
    store.add(List.of(impression("p-1", H10, -2)), "q-1", 2);

    assertThat(all("p-1")).containsExactly(new Counter("p-1", "impression", H10, 3, "q-1", 2));
  }

  @Test
  void anEmptyBatchWritesNothing() {
    assertThat(store.add(List.of(), "q-1", 0)).isEqualTo(new AddResult(0, 0));
    assertThat(all("p-1")).isEmpty();
  }

  @Test
  void concurrentWritersOfDifferentBatchesAndKeysEndWithExactTotals() throws Exception {
    int writers = 4;
    int batches = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> applied = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        String place = "p-" + w;
        String query = "q-" + w;
        applied.add(
            pool.submit(
                () -> {
                  start.await();
                  int sum = 0;
                  for (int b = 0; b < batches; b++) {
                    // each writer's own key, and one key all of them add to (each under its own
                    // query id)
                    sum +=
                        store
                            .add(
                                List.of(impression(place, H10, 2), click("shared", H12, 1)),
                                query,
                                b)
                            .applied();
                  }
                  return sum;
                }));
      }
      start.countDown();
      for (Future<Integer> f : applied) {
        assertThat(f.get(2, TimeUnit.MINUTES)).as("every delta applied").isEqualTo(20);
      }
    } finally {
      pool.shutdownNow();
    }

    for (int w = 0; w < writers; w++) {
      assertThat(all("p-" + w))
          .containsExactly(new Counter("p-" + w, "impression", H10, 20, "q-" + w, 9));
    }
    assertThat(all("shared")).singleElement().extracting(Counter::count).isEqualTo(40L);
  }

  @Test
  void readsOrderByHourThenActionOverAHalfOpenRange() {
    store.add(
        List.of(
            impression("p-1", H12, 3),
            click("p-1", H13, 4),
            impression("p-1", H10, 1),
            click("p-1", H10, 2),
            impression("p-1", H11, 5),
            new Delta("p-1", "share", H11, 6),
            impression("p-2", H11, 7)),
        "q-1",
        0);

    assertThat(store.read("p-1", H10, H13))
        .as("H13 is the end, left out; 'share' is no platform action")
        .containsExactly(
            new Counter("p-1", "click", H10, 2, "q-1", 0),
            new Counter("p-1", "impression", H10, 1, "q-1", 0),
            new Counter("p-1", "impression", H11, 5, "q-1", 0),
            new Counter("p-1", "impression", H12, 3, "q-1", 0));
    assertThat(store.read("p-1", "impression", H11, H14))
        .containsExactly(
            new Counter("p-1", "impression", H11, 5, "q-1", 0),
            new Counter("p-1", "impression", H12, 3, "q-1", 0));
    assertThat(store.read("p-1", "click", H11, H13)).isEmpty();
    assertThat(store.read("p-1", "click", H13, H14))
        .containsExactly(new Counter("p-1", "click", H13, 4, "q-1", 0));
    assertThat(store.read("p-1", "impression", H10, H10)).as("an empty range").isEmpty();
    assertThat(store.read("p-1", "share", H10, H14))
        .as("read by its name, an unknown action is there")
        .containsExactly(new Counter("p-1", "share", H11, 6, "q-1", 0));
    assertThat(store.read("p-3", H10, H14)).isEmpty();
  }

  @Test
  void theTwoOneOClockHoursOfAFallBackNightAreTwoKeys() {
    // New York leaves daylight time on 2026-11-01 at 02:00 EDT: 01:00 EDT is 05:00Z, 01:00 EST
    // 06:00Z
    Instant edt = Instant.parse("2026-11-01T05:00:00Z");
    Instant est = Instant.parse("2026-11-01T06:00:00Z");
    ZoneId newYork = ZoneId.of("America/New_York");
    assertThat(edt.atZone(newYork).getHour()).isEqualTo(1);
    assertThat(est.atZone(newYork).getHour()).isEqualTo(1);

    store.add(List.of(impression("p-1", est, 2), impression("p-1", edt, 1)), "q-1", 0);

    assertThat(store.read("p-1", "impression", edt, Instant.parse("2026-11-01T07:00:00Z")))
        .containsExactly(
            new Counter("p-1", "impression", edt, 1, "q-1", 0),
            new Counter("p-1", "impression", est, 2, "q-1", 0));
  }

  @Test
  void deleteFromRemovesExactlyTheHoursAtOrAfterItInEveryPlace() {
    store.add(
        List.of(
            impression("p-1", H10, 1),
            impression("p-1", H11, 2),
            click("p-1", H12, 3),
            click("p-2", H11, 4),
            impression("p-2", H13, 5)),
        "q-1",
        0);

    assertThat(store.deleteFrom(H11)).isEqualTo(4);
    assertThat(all("p-1")).containsExactly(new Counter("p-1", "impression", H10, 1, "q-1", 0));
    assertThat(all("p-2")).isEmpty();
    assertThat(store.deleteFrom(H11)).isZero();

    // a deleted key is new again: batch 0 of the same query applies to it
    assertThat(store.add(List.of(impression("p-1", H10, 1), impression("p-1", H11, 6)), "q-1", 0))
        .isEqualTo(new AddResult(1, 1));
    assertThat(all("p-1"))
        .containsExactly(
            new Counter("p-1", "impression", H10, 1, "q-1", 0),
            new Counter("p-1", "impression", H11, 6, "q-1", 0));
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsWritten() {
    Delta good = impression("p-1", H10, 1);
    assertThatThrownBy(() -> store.add(null, "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deltas of batch 3 is null");
    assertThatThrownBy(() -> store.add(List.of(good), null, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queryId of batch 3 is null");
    assertThatThrownBy(() -> store.add(List.of(good, impression(null, H10, 1)), "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delta 1 of batch 3 has placeId null");
    assertThatThrownBy(() -> store.add(List.of(good, impression("", H10, 1)), "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delta 1 of batch 3 has placeId \"\"");
    assertThatThrownBy(() -> store.add(List.of(good, new Delta("p-1", null, H10, 1)), "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delta 1 of batch 3 has action null");
    assertThatThrownBy(() -> store.add(List.of(good, new Delta("p-1", "a#b", H10, 1)), "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delta 1 of batch 3 has action 'a#b'");
    assertThatThrownBy(() -> store.add(List.of(good, impression("p-1", null, 1)), "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delta 1 of batch 3 (p-1/impression) has no hour");
    assertThatThrownBy(() -> store.add(List.of(good, impression("p-1", H10, 2)), "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "delta 1 of batch 3 repeats the key p-1/impression#2026-03-01T10:00:00Z of delta 0");
    assertThatThrownBy(() -> store.add(Arrays.asList(good, null), "q-1", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delta 1 of batch 3 is null");

    assertThatThrownBy(() -> store.read("p-1", H11, H10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "read of p-1 from 2026-03-01T11:00:00Z to 2026-03-01T10:00:00Z ends before it starts");
    assertThatThrownBy(() -> store.read("p-1", "impression", H11, H10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ends before it starts");
    assertThatThrownBy(() -> store.read(null, "impression", H10, H11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read of placeId null");
    assertThatThrownBy(() -> store.read("p-1", null, H10, H11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read of p-1 with action null");
    assertThatThrownBy(() -> store.read("p-1", H10, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both bounds are needed");
    assertThatThrownBy(() -> store.deleteFrom(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deleteFrom(null)");

    assertThat(all("p-1")).as("the good delta before each bad one was not written").isEmpty();
  }

  @Test
  void aStoreWithoutAWriterLeaseLetsItsWriterWrite() {
    assertThatCode(store::checkWriter).doesNotThrowAnyException();
  }

  @Test
  void aClosedStoreRefusesWritesReadsAndDeletesAndClosesAgainQuietly() {
    store.add(List.of(impression("p-1", H10, 1)), "q-1", 0);
    store.close();

    assertThatThrownBy(() -> store.add(List.of(impression("p-1", H10, 1)), "q-1", 1))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> store.read("p-1", "impression", H10, H11))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> store.read("p-1", H10, H11)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> store.deleteFrom(H10)).isInstanceOf(RuntimeException.class);
    assertThatCode(store::close).doesNotThrowAnyException();
  }
}
