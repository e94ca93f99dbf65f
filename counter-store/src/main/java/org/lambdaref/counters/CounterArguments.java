package org.lambdaref.counters;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lambdaref.counters.CounterStore.Delta;

/**
 * The arguments every {@link CounterStore} refuses, worded once so that {@link
 * DynamoDbCounterStore} and {@link InMemoryCounterStore} refuse them alike and before any write.
 *
 * <p>Without these checks DynamoDB refused some of them only after a round trip (a null or empty
 * place id, a null query id, a range that ends before it starts), and stored others in a shape that
 * broke every later scan and delete of the table (a null hour is stored as {@code action#null}; an
 * action holding {@code #} cannot be split from its hour again). Two deltas of one key in one call
 * had no defined outcome: one {@code UpdateItem} each keeps the first count and skips the second as
 * already applied, and a DynamoDB transaction with two operations on one item is refused.
 */
final class CounterArguments {

  private CounterArguments() {}

  /** Checks a whole {@link CounterStore#add} call before any of it is written. */
  static void checkAdd(List<Delta> deltas, String queryId, long batchId) {
    if (deltas == null) {
      throw new IllegalArgumentException(
          "deltas of batch "
              + batchId
              + " is null: pass an empty list when a micro-batch has nothing to count");
    }
    if (queryId == null) {
      throw new IllegalArgumentException(
          "queryId of batch "
              + batchId
              + " is null: pass the streaming query's id,"
              + " which tells a replay from a fresh checkpoint (batch ids from 0 again) from a retried batch");
    }
    Map<String, Integer> firstIndexOfKey = new HashMap<>(deltas.size() * 2);
    for (int i = 0; i < deltas.size(); i++) {
      Delta d = deltas.get(i);
      String which = "delta " + i + " of batch " + batchId;
      if (d == null) {
        throw new IllegalArgumentException(which + " is null: leave it out of the list");
      }
      checkPlace(d.placeId(), which + " has placeId ");
      checkAction(d.action(), which + " has action ");
      if (d.hour() == null) {
        throw new IllegalArgumentException(
            which
                + " ("
                + d.placeId()
                + "/"
                + d.action()
                + ") has no hour: pass the start instant of the event's hour (Partitions.hourStart)");
      }
      String key = d.placeId() + "/" + DynamoDbCounterStore.sortKey(d.action(), d.hour());
      Integer first = firstIndexOfKey.putIfAbsent(key, i);
      if (first != null) {
        throw new IllegalArgumentException(
            which
                + " repeats the key "
                + key
                + " of delta "
                + first
                + ": sum the counts of one key into one delta (a second delta of a key in one batch would be skipped"
                + " as already applied)");
      }
    }
  }

  /** Checks a read of one place and action. */
  static void checkRead(String placeId, String action, Instant fromHour, Instant toHour) {
    checkRead(placeId, fromHour, toHour);
    checkAction(action, "read of " + placeId + " with action ");
  }

  /** Checks a read of one place. */
  static void checkRead(String placeId, Instant fromHour, Instant toHour) {
    checkPlace(placeId, "read of placeId ");
    if (fromHour == null || toHour == null) {
      throw new IllegalArgumentException(
          "read of "
              + placeId
              + " from "
              + fromHour
              + " to "
              + toHour
              + ": both bounds are needed, the range is [fromHour, toHour)");
    }
    if (fromHour.isAfter(toHour)) {
      throw new IllegalArgumentException(
          "read of "
              + placeId
              + " from "
              + fromHour
              + " to "
              + toHour
              + " ends before it starts: the range is [fromHour, toHour), pass fromHour <= toHour");
    }
  }

  static void checkDeleteFrom(Instant fromHour) {
    if (fromHour == null) {
      throw new IllegalArgumentException(
          "deleteFrom(null): pass the first hour to delete; every counter of that hour or later goes");
    }
  }

  private static void checkPlace(String placeId, String what) {
    if (placeId == null || placeId.isEmpty()) {
      throw new IllegalArgumentException(
          what
              + (placeId == null ? "null" : "\"\"")
              + ": every counter belongs to a place; count only events with a place id");
    }
  }

  private static void checkAction(String action, String what) {
    if (action == null || action.indexOf('#') >= 0) {
      throw new IllegalArgumentException(
          what
              + (action == null ? "null" : "'" + action + "'")
              + ": the sort key is action#hour, so an action is a non-null name without '#' (Action.wireName())");
    }
  }
}
