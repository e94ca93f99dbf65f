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
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.PartitionPredicates;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the hot tables ({@link PlatformTables#HOT_PLACE_EVENT} and {@link
 * PlatformTables#HOT_PLACE_EVENT_QUARANTINE}): every write to them is here, so that the speed layer
 * that fills them and the batch layer that takes their days over meet only through the tables and
 * the model ({@link BatchCoverage}), never through each other's code.
 *
 * <ul>
 *   <li>{@link #appendOnce}: a micro-batch's rows, idempotent by the query and batch id (the speed
 *       layer's {@code MicroBatchWriter});
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
   * Appends {@code rows}' declared columns of {@code table}, an append Delta skips when query
   * {@code queryId} already wrote batch {@code batchId} to the table ({@code txnAppId}/{@code
   * txnVersion}): Spark's replay of an uncommitted micro-batch after a crash writes nothing twice.
   */
  public void appendOnce(Dataset<Row> rows, TableSpec table, String queryId, long batchId) {
    String location = location(table);
    SparkSchemas.project(rows, table)
        .write()
        .format("delta")
        .mode("append")
        .partitionBy(table.partitionColumns().toArray(String[]::new))
        .option("txnAppId", queryId)
        .option("txnVersion", batchId)
        .save(location);
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
