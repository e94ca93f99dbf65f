package org.lambdaref.speed;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.hot.HotTables;
import org.lambdaref.model.PlatformTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one micro-batch to both sinks, each idempotent by the batch id, so that Spark's replay of
 * an uncommitted batch after a crash changes nothing that was already written:
 *
 * <ol>
 *   <li>hot Delta tables (valid events, quarantine) through {@link HotTables#appendOnce}, Delta's
 *       idempotent writes (one {@code txnAppId}, {@code txnVersion} = the query's writer generation
 *       and the batch id): a second write of the same batch is skipped by Delta itself, and a
 *       writer a replay replaced cannot append after it;
 *   <li>DynamoDB counters: the batch's events grouped by place, action and hour, each added with a
 *       conditional {@code UpdateItem} (see {@link DynamoDbCounterStore}).
 * </ol>
 *
 * Both sinks are written from the same rows, and a retry of the batch gets the same rows: {@link
 * FirstCopyDedup} keeps the same copy of a duplicated event on every attempt. Without that, a retry
 * that reaches only the counter keys its first attempt did not could count another copy than the
 * hot row the first attempt wrote.
 *
 * <p>The batch is cached once: the stateful deduplication before it must not run twice per batch.
 * Runs on the driver; the counter deltas are one row per key touched in the batch, small enough to
 * write from the driver's thread pool, while the Delta appends run. Spark commits the batch only
 * when both sinks have finished.
 */
public final class MicroBatchWriter implements VoidFunction2<Dataset<Row>, Long> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(MicroBatchWriter.class);

  private final HotTables hot;
  private final Supplier<CounterStore> counters;
  private final ReplayWindow replay;
  private final BatchLog batchLog;

  /** The query the cached generation belongs to, and that generation (driver side only). */
  private transient String generationQuery;

  private transient long generation;

  /** Receives one summary per micro-batch (the progress listener joins it to Spark's numbers). */
  @FunctionalInterface
  public interface BatchLog {
    void written(BatchSummary summary);
  }

  /** What one micro-batch wrote. */
  public record BatchSummary(
      long batchId,
      long valid,
      long rejected,
      long counted,
      int counterKeys,
      int countersApplied,
      int countersAlreadyApplied,
      long durationMs,
      Instant maxKafkaTimestamp,
      Map<String, Long> phasesMs) {}

  public MicroBatchWriter(
      HotTables hot, Supplier<CounterStore> counters, ReplayWindow replay, BatchLog batchLog) {
    this.hot = hot;
    this.counters = counters;
    this.replay = replay;
    this.batchLog = batchLog;
  }

  /**
   * The hot tables' writer generation of query {@code queryId}, looked up (or taken) once per
   * query: a replay's new query fences the writer it replaces out of the hot tables, as the lease
   * fences it out of the counters.
   */
  private long generationFor(SparkSession spark, String queryId) {
    if (!queryId.equals(generationQuery)) {
      generation = hot.generationOf(spark, queryId);
      generationQuery = queryId;
    }
    return generation;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    long started = System.nanoTime();
    // stable across restarts of one checkpoint, new for a fresh one: the key of both sinks'
    // idempotence
    String queryId = batch.sparkSession().sparkContext().getLocalProperty("sql.streaming.queryId");
    if (queryId == null) {
      throw new IllegalStateException(
          "MicroBatchWriter must run inside a streaming query's foreachBatch");
    }
    long writerGeneration = generationFor(batch.sparkSession(), queryId);
    Dataset<Row> cached = batch.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> valid = cached.filter(col("status").equalTo(HotRecordClassifier.VALID));
      Dataset<Row> rejected = cached.filter(col("status").equalTo(HotRecordClassifier.REJECTED));
      if (replay != null) {
        valid = valid.filter(replay.counts());
      }
      // one pass over the cached batch for both counts and the newest Kafka time
      Row stats =
          cached
              .agg(
                  sum(
                      when(
                              col("status")
                                  .equalTo(HotRecordClassifier.VALID)
                                  .and(replay == null ? lit(true) : replay.counts()),
                              1)
                          .otherwise(0)),
                  sum(when(col("status").equalTo(HotRecordClassifier.REJECTED), 1).otherwise(0)),
                  max("kafka_timestamp"))
              .first();
      long validCount = stats.isNullAt(0) ? 0 : stats.getLong(0);
      long rejectedCount = stats.isNullAt(1) ? 0 : stats.getLong(1);
      Instant maxKafka = stats.isNullAt(2) ? null : stats.getTimestamp(2).toInstant();
      long tStats = System.nanoTime();
      // the counter deltas first (a small driver-side collect), so that the DynamoDB writes can
      // overlap the two Delta appends: the sinks are independent and each is idempotent by the
      // batch id, so their order does not matter for a replay, and Spark commits the batch only
      // after both have finished (measured here: DynamoDB 1.7-2.5 s and the appends 2 s of a 6 s
      // batch)
      List<CounterStore.Delta> deltas = new ArrayList<>();
      if (validCount > 0) {
        for (Row r : valid.groupBy("place_id", "action", "bucket_hour").count().collectAsList()) {
          deltas.add(
              new CounterStore.Delta(
                  r.getString(0), r.getString(1), r.getTimestamp(2).toInstant(), r.getLong(3)));
        }
      }
      long tAggregate = System.nanoTime();
      CompletableFuture<CounterStore.AddResult> counting =
          deltas.isEmpty()
              ? CompletableFuture.completedFuture(new CounterStore.AddResult(0, 0))
              : CompletableFuture.supplyAsync(
                  () -> counters.get().add(deltas, queryId, batchId), COUNTER_CALLS);
      long tHot;
      long tQuarantine;
      try {
        // a writer that lost its lease (paused past it, taken over) must not append rows the new
        // holder writes too; the counter transactions check the lease item themselves
        counters.get().checkWriter();
        if (validCount > 0) {
          hot.appendOnce(valid, PlatformTables.HOT_PLACE_EVENT, writerGeneration, batchId);
        }
        tHot = System.nanoTime();
        FaultInjection.at(FaultInjection.HOT_WRITTEN, batchId);
        if (rejectedCount > 0) {
          hot.appendOnce(
              rejected, PlatformTables.HOT_PLACE_EVENT_QUARANTINE, writerGeneration, batchId);
        }
        tQuarantine = System.nanoTime();
      } finally {
        // never leave counter writes of this batch running into its retry
        awaitQuietly(counting);
      }
      CounterStore.AddResult result = await(counting, batchId);
      long tCounters = System.nanoTime();
      Map<String, Long> phases = new LinkedHashMap<>();
      phases.put("read_validate_dedup", ms(tStats - started));
      phases.put("aggregate", ms(tAggregate - tStats));
      phases.put("hot_write", ms(tHot - tAggregate));
      phases.put("quarantine_write", ms(tQuarantine - tHot));
      // counter writes ran alongside the appends: this is how long the batch waited for them after
      phases.put("counter_writes_after_appends", ms(tCounters - tQuarantine));
      FaultInjection.at(FaultInjection.COUNTERS_WRITTEN, batchId);
      BatchSummary summary =
          new BatchSummary(
              batchId,
              validCount,
              rejectedCount,
              deltas.stream().mapToLong(CounterStore.Delta::count).sum(),
              deltas.size(),
              result.applied(),
              result.alreadyApplied(),
              (System.nanoTime() - started) / 1_000_000,
              maxKafka,
              phases);
      if (result.alreadyApplied() > 0) {
        LOG.info(
            "batch {}: {} counter keys already had this batch (a retried micro-batch); left unchanged",
            batchId,
            result.alreadyApplied());
      }
      if (batchLog != null) {
        batchLog.written(summary);
      }
    } finally {
      cached.unpersist();
    }
  }

  /** DynamoDB calls of a batch run here (the store's own writer pool fans them out). */
  private static final ExecutorService COUNTER_CALLS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "speed-counter-batch");
            t.setDaemon(true);
            return t;
          });

  private static void awaitQuietly(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (RuntimeException e) {
      // reported by await below, or superseded by the append's own failure
    }
  }

  private static CounterStore.AddResult await(
      CompletableFuture<CounterStore.AddResult> f, long batchId) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(
          "counter writes of batch " + batchId + " failed", e.getCause());
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
