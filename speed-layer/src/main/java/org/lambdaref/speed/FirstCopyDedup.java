package org.lambdaref.speed;

import java.io.Serializable;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

/**
 * The speed layer's deduplication, one stateful operator ({@code flatMapGroupsWithState} on the
 * {@code dedup_key}) that decides which copy of an event is kept, and decides it from the data
 * alone, so that a retried micro-batch keeps the same copy as its first attempt:
 *
 * <ol>
 *   <li><b>across micro-batches</b> the first copy seen wins: the state holds, per event id, the
 *       time of the micro-batch that kept a copy, and any copy in a later batch within the horizon
 *       is dropped. A retried batch reads the same offsets against the state version of its first
 *       attempt (Spark restores it from the checkpoint), so it sees the same "already seen" keys;
 *   <li><b>within one micro-batch</b> all copies of a key reach this function together, and the one
 *       kept is the smallest by {@link #ORDER}: {@code (kafka_timestamp, kafka_topic,
 *       kafka_partition, kafka_offset)}. {@code dropDuplicatesWithinWatermark}, used before, kept
 *       whichever copy its shuffle delivered first, which depends on the order in which map outputs
 *       arrive: a retry could keep another copy, and with it write the hot row of one copy and the
 *       counter of the other.
 * </ol>
 *
 * <p>Why this order: it must be total and a property of the stored records (both hold: the
 * timestamp is written into the log once, at append, and topic + partition + offset name one
 * record), so every attempt computes the same minimum whatever order Spark delivers the rows in.
 * The Kafka timestamp comes first because it is the only coordinate comparable across partitions:
 * offsets of different partitions say nothing about which copy came first, so "the earliest offset"
 * alone is not defined across partitions, and partition-then-offset would always favour partition
 * 0. Ties of the timestamp (millisecond resolution) go to the lower partition, then the lower
 * offset. The rule is only about which copy's payload counts when copies differ (a producer bug);
 * identical copies, the usual case, give the same result whichever is kept.
 *
 * <p>Expiry: a key's state lives for the horizon after the batch that kept it, measured in batch
 * time ({@link GroupState#getCurrentProcessingTimeMs()}, recorded in the offset log, so a retry
 * expires exactly as its first attempt did), and is removed by the processing-time timeout. A copy
 * arriving after that is kept again, as a new event. Rejected records are keyed by their Kafka
 * coordinates, which one query never reads twice, so they pass through without state.
 */
final class FirstCopyDedup
    implements FlatMapGroupsWithStateFunction<String, Row, Long, Row>, Serializable {

  private static final long serialVersionUID = 1L;

  private static final int STATUS = HotRecordClassifier.SCHEMA.fieldIndex("status");
  private static final int TOPIC = HotRecordClassifier.SCHEMA.fieldIndex("kafka_topic");
  private static final int PARTITION = HotRecordClassifier.SCHEMA.fieldIndex("kafka_partition");
  private static final int OFFSET = HotRecordClassifier.SCHEMA.fieldIndex("kafka_offset");
  private static final int TIMESTAMP = HotRecordClassifier.SCHEMA.fieldIndex("kafka_timestamp");
  static final int DEDUP_KEY = HotRecordClassifier.SCHEMA.fieldIndex("dedup_key");

  /** Which copy of a key a micro-batch keeps: the smallest. */
  static final Comparator<Row> ORDER =
      Comparator.comparing((Row r) -> r.getTimestamp(TIMESTAMP))
          .thenComparing(r -> r.getString(TOPIC))
          .thenComparingInt(r -> r.getInt(PARTITION))
          .thenComparingLong(r -> r.getLong(OFFSET));

  private final long horizonMs;

  FirstCopyDedup(long horizonMs) {
    this.horizonMs = horizonMs;
  }

  @Override
  public Iterator<Row> call(String key, Iterator<Row> copies, GroupState<Long> state) {
    if (state.hasTimedOut()) {
      // called without rows: the horizon of this key has passed
      state.remove();
      return Collections.emptyIterator();
    }
    Row kept = null;
    while (copies.hasNext()) {
      Row r = copies.next();
      if (kept == null || ORDER.compare(r, kept) < 0) {
        kept = r;
      }
    }
    if (kept == null) {
      return Collections.emptyIterator();
    }
    if (HotRecordClassifier.REJECTED.equals(kept.getString(STATUS))) {
      return List.of(kept).iterator();
    }
    long now = state.getCurrentProcessingTimeMs();
    if (state.exists() && now - state.get() < horizonMs) {
      // a copy of an event an earlier batch kept. Spark resets the timeout on every call: set it
      // again to the original expiry, so that duplicates do not extend the key's life
      state.setTimeoutDuration(state.get() + horizonMs - now);
      return Collections.emptyIterator();
    }
    state.update(now);
    state.setTimeoutDuration(horizonMs);
    return List.of(kept).iterator();
  }
}
