package org.lambdaref.counters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.lambdaref.model.Action;

/**
 * The real-time view: exact event counts per place, action and hour, kept outside Spark so that no
 * count lives in application state (the source notes, "Stream application").
 *
 * <p>{@link #add} must be idempotent per {@code (queryId, batchId)}: a micro-batch retried after a
 * crash calls it again with the same deltas, and every key already carrying that batch is left
 * alone. Batches of one query arrive in increasing order.
 *
 * <p>Every implementation refuses with an {@link IllegalArgumentException}, before writing or
 * reading anything, a null list or delta, a null or empty place id, a null action or one holding
 * {@code #}, a null hour or query id, two deltas of one key in one call, and a read range that ends
 * before it starts. {@link InMemoryCounterStore} is the in-process twin of {@link
 * DynamoDbCounterStore}; {@code CounterStoreContract} (the tests) holds both to the same rules.
 */
public interface CounterStore extends AutoCloseable {

  /** One key's increment from one micro-batch. */
  record Delta(String placeId, String action, Instant hour, long count) {}

  /** One stored counter. */
  record Counter(
      String placeId, String action, Instant hour, long count, String queryId, long lastBatchId) {}

  /** What one {@link #add} call did. */
  record AddResult(int applied, int alreadyApplied) {}

  AddResult add(List<Delta> deltas, String queryId, long batchId);

  /**
   * Counters of one place for hours in {@code [fromHour, toHour)}, ordered by hour then action: one
   * {@link #read(String, String, Instant, Instant)} per action the platform counts.
   */
  default List<Counter> read(String placeId, Instant fromHour, Instant toHour) {
    CounterArguments.checkRead(placeId, fromHour, toHour);
    List<Counter> out = new ArrayList<>();
    for (Action action : Action.values()) {
      out.addAll(read(placeId, action.wireName(), fromHour, toHour));
    }
    out.sort(Comparator.comparing(Counter::hour).thenComparing(Counter::action));
    return out;
  }

  /** Counters of one place and action for hours in {@code [fromHour, toHour)}, ordered by hour. */
  List<Counter> read(String placeId, String action, Instant fromHour, Instant toHour);

  /**
   * Makes the first request a process would make (connection, credentials) within {@code within},
   * so that a request path's tighter bound never judges it; fails as a read would.
   */
  default void warmUp(Duration within) {}

  /**
   * Fails when this store's writer may no longer write (it lost its writer lease); a caller checks
   * it before writes the store does not make itself (the hot table's Delta appends).
   */
  default void checkWriter() {}

  /** Deletes every counter of an hour at or after {@code fromHour}; returns how many. */
  long deleteFrom(Instant fromHour);

  @Override
  void close();
}
