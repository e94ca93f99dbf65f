package org.lambdaref.counters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.lambdaref.model.Action;

/**
 * The counters in this JVM's memory, with the semantics of {@link DynamoDbCounterStore} as seen
 * through {@link CounterStore}, for tests (and tools) that need counters but do not test DynamoDB.
 * {@code CounterStoreContract} runs the same cases against both.
 *
 * <p>What it copies from the DynamoDB store:
 *
 * <ul>
 *   <li>{@link #add} applies a delta to a key on the DynamoDB store's condition: the key does not
 *       exist, or it was last written by another query id, or by a lower batch id of this query.
 *       Applying adds the count to what the key holds (a new query id after a checkpoint reset
 *       counts on from there) and records this query id and batch id as the key's last. A key
 *       remembers only its last writer: a batch retried by an older query after another query wrote
 *       the key counts again, which is why one writer at a time holds the {@link WriterLease}.
 *       Counts are added as given, zero and negative ones too, as DynamoDB's {@code ADD} does.
 *   <li>Reads select on the same sort key, {@code action#hour} with the hour as an ISO instant,
 *       between the two bounds' keys and then before {@code toHour}, so that the order and the
 *       half-open range are DynamoDB's; the read of a whole place returns the platform's actions
 *       only ({@link Action}), ordered by hour then action.
 *   <li>{@link #deleteFrom} removes every key of an hour at or after its argument, in all places.
 *   <li>The arguments either store refuses ({@link CounterArguments}).
 * </ul>
 *
 * <p>Where it differs, on purpose: one {@link #add} is applied all at once under this store's lock
 * (the DynamoDB store writes transactions of up to 100 keys in parallel, so a reader may see part
 * of a batch; the interface promises neither). {@link #checkWriter} never fails: the fence is a
 * DynamoDB condition on a lease item, and a store in one JVM has no second writer to be fenced
 * from; the lease tests need DynamoDB. After {@link #close} every call but {@code close} and {@code
 * checkWriter} fails with an {@link IllegalStateException} saying so (the DynamoDB store fails with
 * its closed thread pools' {@code RejectedExecutionException}). A count that would overflow a
 * {@code long} fails the whole call (DynamoDB would store it and fail every later read of the key).
 *
 * <p>Thread-safe: every method holds this store's lock. Not final, so that a test can script
 * failures around it (override a method, call {@code super}).
 */
public class InMemoryCounterStore implements CounterStore {

  /**
   * Place id to its counters by sort key ({@code action#hour}), as the DynamoDB table keys them.
   */
  private final Map<String, NavigableMap<String, Counter>> places = new HashMap<>();

  private boolean closed;

  @Override
  public synchronized AddResult add(List<Delta> deltas, String queryId, long batchId) {
    ensureOpen("add to counters of batch " + batchId);
    CounterArguments.checkAdd(deltas, queryId, batchId);
    checkWriter();
    // worked out in full before anything is stored, so that a failing call changes nothing
    List<Counter> updated = new ArrayList<>(deltas.size());
    for (Delta d : deltas) {
      Counter stored =
          counters(d.placeId()).get(DynamoDbCounterStore.sortKey(d.action(), d.hour()));
      if (stored == null || !stored.queryId().equals(queryId) || stored.lastBatchId() < batchId) {
        updated.add(
            new Counter(
                d.placeId(), d.action(), d.hour(), sum(stored, d, batchId), queryId, batchId));
      }
    }
    for (Counter c : updated) {
      counters(c.placeId()).put(DynamoDbCounterStore.sortKey(c.action(), c.hour()), c);
    }
    return new AddResult(updated.size(), deltas.size() - updated.size());
  }

  private static long sum(Counter stored, Delta delta, long batchId) {
    try {
      return Math.addExact(stored == null ? 0 : stored.count(), delta.count());
    } catch (ArithmeticException e) {
      throw new IllegalStateException(
          "adding "
              + delta.count()
              + " to counter "
              + delta.placeId()
              + "/"
              + DynamoDbCounterStore.sortKey(delta.action(), delta.hour())
              + " ("
              + stored.count()
              + ") in batch "
              + batchId
              + " overflows a long: a count that large is a bug in what is counted",
          e);
    }
  }

  private NavigableMap<String, Counter> counters(String placeId) {
    return places.computeIfAbsent(placeId, p -> new TreeMap<>());
  }

  @Override
  public synchronized List<Counter> read(
      String placeId, String action, Instant fromHour, Instant toHour) {
    ensureOpen("read counters of " + placeId);
    CounterArguments.checkRead(placeId, action, fromHour, toHour);
    NavigableMap<String, Counter> counters = places.getOrDefault(placeId, new TreeMap<>());
    List<Counter> out = new ArrayList<>();
    // DynamoDB's BETWEEN on the sort keys, both ends included, then the end itself left out
    for (Counter c :
        counters
            .subMap(
                DynamoDbCounterStore.sortKey(action, fromHour),
                true,
                DynamoDbCounterStore.sortKey(action, toHour),
                true)
            .values()) {
      if (c.hour().isBefore(toHour)) {
        out.add(c);
      }
    }
    return out;
  }

  @Override
  public synchronized void warmUp(Duration within) {
    ensureOpen("warm up");
  }

  @Override
  public synchronized long deleteFrom(Instant fromHour) {
    ensureOpen("delete counters from " + fromHour);
    CounterArguments.checkDeleteFrom(fromHour);
    long deleted = 0;
    for (NavigableMap<String, Counter> counters : places.values()) {
      for (Iterator<Counter> it = counters.values().iterator(); it.hasNext(); ) {
        if (!it.next().hour().isBefore(fromHour)) {
          it.remove();
          deleted++;
        }
      }
    }
    return deleted;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private void ensureOpen(String what) {
    if (closed) {
      throw new IllegalStateException(
          "Cannot "
              + what
              + ": this in-memory counter store is closed; use it before close(), or make a new one");
    }
  }
}
