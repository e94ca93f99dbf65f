package org.lambdaref.hot;

import io.delta.tables.DeltaTable;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.PartitionPredicates;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * The one owner of the hot tables ({@link PlatformTables#HOT_PLACE_EVENT} and {@link
 * PlatformTables#HOT_PLACE_EVENT_QUARANTINE}): every write to them is here, so that the speed layer
 * that fills them and the batch layer that takes their days over meet only through the tables and
 * the model ({@link BatchCoverage}), never through each other's code.
 *
 * <ul>
 *   <li>{@link #appendOnce}: a micro-batch's rows, idempotent by the writer generation and batch
 *       id, and fenced against older generations (the speed layer's {@code MicroBatchWriter});
 *   <li>{@link #fence}: a new writer generation, taken before a speed replay deletes;
 *   <li>{@link #deleteFrom}: what a speed replay is about to write again ({@code SpeedRunner});
 *   <li>{@link #retain}: the hand-over of the days the batch covers but the newest keep-days (the
 *       batch layer's {@code HotRetention}, which records it in its ledger).
 * </ul>
 *
 * Holds the tables' locations and the platform zone only, no session: the speed layer's batch
 * writer keeps it, and Spark holds that writer as a serializable function.
 */
public final class HotTables implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(HotTables.class);

  /** The tables this class owns, valid events first. */
  public static final List<TableSpec> TABLES =
      List.of(PlatformTables.HOT_PLACE_EVENT, PlatformTables.HOT_PLACE_EVENT_QUARANTINE);

  /**
   * What one hand-over removed: the newest covered day (empty when the batch covers none yet, and
   * then nothing is touched), the days whose hot partitions went, and the rows removed per table
   * (qualified name, in the order of {@link #TABLES}; a table not created yet is left out).
   */
  public record Retention(
      Optional<LocalDate> newestCovered,
      List<LocalDate> removedDays,
      Map<String, Long> rowsRemoved) {

    /** The rows removed from all tables. */
    public long rows() {
      return rowsRemoved.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final String eventsLocation;
  private final String quarantineLocation;
  private final ZoneId zone;

  public HotTables(PlatformConfig config) {
    this.eventsLocation = config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name());
    this.quarantineLocation =
        config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT_QUARANTINE.name());
    this.zone = config.timezone();
  }

  /**
   * Where {@code table} lives; a table that is not a hot one is refused, its writes are not here.
   */
  public String location(TableSpec table) {
    if (table.equals(PlatformTables.HOT_PLACE_EVENT)) {
      return eventsLocation;
    }
    if (table.equals(PlatformTables.HOT_PLACE_EVENT_QUARANTINE)) {
      return quarantineLocation;
    }
    throw new IllegalArgumentException(
        table.name().qualified()
            + " is not a hot table: "
            + HotTables.class.getSimpleName()
            + " writes only "
            + TABLES.stream().map(t -> t.name().qualified()).toList());
  }

  /**
   * The Delta transaction id every speed writer appends under. One id for all queries, so that a
   * writer of an older generation is fenced by Delta itself: its version is below the newest one.
   */
  public static final String WRITER_APP_ID = "lambda-speed-writer";

  /** The transaction id under which the generation a query writes with is recorded. */
  static final String GENERATION_APP_PREFIX = "lambda-speed-generation:";

  /** Bits of a transaction version that hold the batch id; the generation is above them. */
  static final int BATCH_ID_BITS = 40;

  /**
   * The Delta transaction version of batch {@code batchId} written by generation {@code
   * generation}: ordered by generation first, so every batch of a newer writer is above every batch
   * of an older one, and within a generation by batch. The version of batch 0 is above the
   * generation's {@link #fenceVersion}, which must not skip it.
   */
  public static long writerVersion(long generation, long batchId) {
    if (batchId < 0 || batchId >= (1L << BATCH_ID_BITS) - 1) {
      throw new IllegalArgumentException(
          "batch id " + batchId + " is out of range [0, 2^" + BATCH_ID_BITS + " - 1)");
    }
    return fenceVersion(generation) | (batchId + 1);
  }

  /** The Delta transaction version a new generation fences with: below all its batches. */
  static long fenceVersion(long generation) {
    if (generation < 0 || generation >= 1L << (63 - BATCH_ID_BITS)) {
      throw new IllegalArgumentException(
          "writer generation "
              + generation
              + " is out of range [0, 2^"
              + (63 - BATCH_ID_BITS)
              + ")");
    }
    return generation << BATCH_ID_BITS;
  }

  /**
   * Fences every earlier speed writer out of the hot tables: commits an empty append to each of
   * them under {@link #WRITER_APP_ID} with the first version of a new generation, and returns that
   * generation. A writer of an older generation whose append was in flight (frozen, partitioned
   * away) then fails with Delta's concurrent transaction error, and one that starts later is
   * skipped as already written. Creates a table not there yet from its declaration.
   */
  public long fence(SparkSession spark) {
    long generation = 0;
    for (TableSpec table : TABLES) {
      generation = Math.max(generation, writerVersionHeld(spark, location(table), WRITER_APP_ID));
    }
    generation = (generation >> BATCH_ID_BITS) + 1;
    for (TableSpec table : TABLES) {
      emptyAppend(spark, table, WRITER_APP_ID, fenceVersion(generation));
    }
    LOG.info("hot tables: speed writer generation {} fences every earlier writer", generation);
    return generation;
  }

  /**
   * The generation query {@code queryId} writes with: the one recorded for it, else a new one
   * ({@link #fence}) recorded for it now. A query resumed from its checkpoint keeps its generation,
   * so a micro-batch it replays after a crash is still skipped when it was written.
   */
  public long generationOf(SparkSession spark, String queryId) {
    String recordId = GENERATION_APP_PREFIX + queryId;
    long recorded = writerVersionHeld(spark, eventsLocation, recordId);
    if (recorded > 0) {
      return recorded;
    }
    long generation = fence(spark);
    emptyAppend(spark, PlatformTables.HOT_PLACE_EVENT, recordId, generation);
    return generation;
  }

  /**
   * Appends {@code rows}' declared columns of {@code table} as batch {@code batchId} of writer
   * generation {@code generation} ({@link #generationOf}). Delta skips the append when that batch,
   * or anything of a newer generation, is already in the table, and refuses it when a newer
   * generation committed while it was being written: Spark's replay of an uncommitted micro-batch
   * writes nothing twice, and a writer that a replay took over cannot write after it.
   */
  public void appendOnce(Dataset<Row> rows, TableSpec table, long generation, long batchId) {
    String location = location(table);
    SparkSchemas.project(rows, table)
        .write()
        .format("delta")
        .mode("append")
        .partitionBy(table.partitionColumns().toArray(String[]::new))
        .option("txnAppId", WRITER_APP_ID)
        .option("txnVersion", writerVersion(generation, batchId))
        .save(location);
  }

  private void emptyAppend(SparkSession spark, TableSpec table, String appId, long version) {
    spark
        .createDataFrame(List.<Row>of(), SparkSchemas.of(table))
        .write()
        .format("delta")
        .mode("append")
        .partitionBy(table.partitionColumns().toArray(String[]::new))
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .save(location(table));
  }

  /** The newest version {@code appId} committed to the table at {@code location}; 0 when none. */
  static long writerVersionHeld(SparkSession spark, String location, String appId) {
    if (!DeltaTable.isDeltaTable(spark, location)) {
      return 0;
    }
    Snapshot snapshot =
        DeltaLog.forTable(spark, location).update(false, Option.empty(), Option.empty());
    Option<Object> version = snapshot.transactions().get(appId);
    return version.isDefined() ? (Long) version.get() : 0;
  }

  /**
   * Deletes what a speed replay writes again: the valid rows of the hours from {@code hour} on
   * ({@link Instant#MIN}: all), and the rejected rows that reached Kafka from {@code readFrom} on
   * (null: all). The replay re-reads Kafka from {@code readFrom}, so the records it rejects again
   * are exactly those; it recounts valid events by their hour. A table not created yet is skipped.
   */
  public void deleteFrom(SparkSession spark, Instant hour, Instant readFrom) {
    if (DeltaTable.isDeltaTable(spark, eventsLocation)) {
      DeltaTable.forPath(spark, eventsLocation).delete(hourAtOrAfter(hour, zone));
    }
    if (DeltaTable.isDeltaTable(spark, quarantineLocation)) {
      DeltaTable.forPath(spark, quarantineLocation)
          .delete(
              readFrom == null
                  ? "true"
                  : "kafka_timestamp >= timestamp_millis(" + readFrom.toEpochMilli() + ")");
    }
  }

  /** A partition predicate for the hours at or after {@code hour} (p_ymd/p_hh of {@code zone}). */
  static String hourAtOrAfter(Instant hour, ZoneId zone) {
    if (hour.equals(Instant.MIN)) {
      return "true";
    }
    return PartitionPredicates.hoursFrom(Partitions.tierPartition(hour, zone));
  }

  /**
   * Hands days over from the speed layer to the batch layer: the hot partitions of the days {@code
   * coverage} holds (the serving cut) are deleted, except those of the newest {@code keepDays}
   * covered days, kept as a margin for readers that still look at them. A day the batch does not
   * cover keeps its hot partitions whatever is covered after it. Deletes whole partitions (a
   * metadata-only Delta delete), after counting their rows for the record.
   */
  public Retention retain(SparkSession spark, BatchCoverage coverage, int keepDays) {
    if (coverage.newest().isEmpty()) {
      return new Retention(Optional.empty(), List.of(), Map.of());
    }
    List<LocalDate> covered = new ArrayList<>(coverage.days());
    List<LocalDate> removable = covered.subList(0, Math.max(0, covered.size() - keepDays));
    Set<String> removableIds =
        removable.stream().map(Partitions::day).collect(Collectors.toCollection(TreeSet::new));
    Map<String, Long> removed = new LinkedHashMap<>();
    TreeSet<LocalDate> removedDays = new TreeSet<>();
    long total = 0;
    for (TableSpec table : TABLES) {
      String location = location(table);
      if (!DeltaTable.isDeltaTable(spark, location)) {
        continue;
      }
      // the covered days this table still holds, from its file list (no data is read)
      List<String> days =
          SparkSchemas.daysHeld(read(spark, location)).stream()
              .filter(removableIds::contains)
              .sorted()
              .toList();
      long rows = 0;
      if (!days.isEmpty()) {
        String condition = PartitionPredicates.days(days);
        rows = read(spark, location).filter(condition).count();
        DeltaTable.forPath(spark, location).delete(condition);
        days.forEach(d -> removedDays.add(LocalDate.parse(d, Partitions.DAY_FORMAT)));
      }
      removed.put(table.name().qualified(), rows);
      total += rows;
    }
    LOG.info(
        "hot retention: {} covered day(s), newest {}; removed the hot partitions of {} ({} rows)",
        covered.size(),
        coverage.newest().get(),
        removedDays,
        total);
    return new Retention(
        coverage.newest(), List.copyOf(removedDays), Collections.unmodifiableMap(removed));
  }

  private static Dataset<Row> read(SparkSession spark, String location) {
    return spark.read().format("delta").load(location);
  }
}
