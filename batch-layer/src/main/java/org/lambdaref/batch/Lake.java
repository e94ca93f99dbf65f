package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.PartitionPredicates;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.TableSpec;

/**
 * Reads and writes of the lake's Delta tables, the one place that knows how a period is replaced.
 */
public final class Lake {

  private final SparkSession spark;
  private final PlatformConfig config;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  public Lake(SparkSession spark, PlatformConfig config) {
    this.spark = spark;
    this.config = config;
  }

  public SparkSession spark() {
    return spark;
  }

  public PlatformConfig config() {
    return config;
  }

  public String location(TableSpec table) {
    return config.storage().tableLocation(table.name());
  }

  /**
   * Registers {@code table} in Spark's catalog after its write, once per application, when {@code
   * platform.spark.register-tables} is on (the Glue Data Catalog on EMR).
   */
  void register(TableSpec table) {
    if (config.spark().registerTables() && registered.add(table.name().qualified())) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + table.name().database());
      spark.sql(table.createStatement(location(table)));
    }
  }

  public boolean exists(TableSpec table) {
    return DeltaTable.isDeltaTable(spark, location(table));
  }

  public Dataset<Row> read(TableSpec table) {
    return spark.read().format("delta").load(location(table));
  }

  /** The rows of one day partition. */
  public Dataset<Row> day(TableSpec table, String ymd) {
    return read(table).filter(col(Partitions.DAY_COLUMN).equalTo(ymd));
  }

  /** The rows of one period's partitions: the day's, or the day and hour's. */
  public Dataset<Row> period(TableSpec table, Period period) {
    return read(table).where(period.partitionPredicate());
  }

  /**
   * Replaces exactly one day's partitions in one Delta commit: a rerun leaves the table as the
   * first run did, and a failed write leaves the previous version visible to readers. Returns the
   * rows written, counted while writing (no second pass over the data).
   */
  public long replaceDay(Dataset<Row> rows, TableSpec table, String ymd) {
    return replaceDay(rows, table, ymd, false);
  }

  /** As {@link #replaceDay(Dataset, TableSpec, String)}; {@code mergeSchema} admits new columns. */
  public long replaceDay(Dataset<Row> rows, TableSpec table, String ymd, boolean mergeSchema) {
    return replaceWhere(rows, table, PartitionPredicates.day(ymd), mergeSchema);
  }

  /** Replaces exactly one period's partitions (a day's, or an hour's), as {@link #replaceDay}. */
  public long replacePeriod(Dataset<Row> rows, TableSpec table, Period period) {
    return replacePeriod(rows, table, period, false);
  }

  /**
   * As {@link #replacePeriod(Dataset, TableSpec, Period)}; {@code mergeSchema} admits new columns.
   */
  public long replacePeriod(
      Dataset<Row> rows, TableSpec table, Period period, boolean mergeSchema) {
    return replaceWhere(rows, table, period.partitionPredicate(), mergeSchema);
  }

  /**
   * Replaces the rows that match {@code predicate} with {@code rows} in one Delta commit (every row
   * written must match it: Delta checks). {@code rows} must have exactly the table's declared
   * columns ({@link SparkSchemas#conform}). The predicate may name data columns as well as
   * partitions, so that an hourly run replaces its own rows of a daily partition.
   */
  public long replaceWhere(
      Dataset<Row> rows, TableSpec table, String predicate, boolean mergeSchema) {
    List<String> partitions = table.partitionColumns();
    long[] written = new long[1];
    retryOnConflict(
        () -> {
          // an Observation reports once: a retried write needs its own
          Observation counted = new Observation();
          SparkSchemas.conform(rows, table)
              .observe(counted, count(lit(1)).as("rows"))
              .write()
              .format("delta")
              .mode(SaveMode.Overwrite)
              .option("replaceWhere", predicate)
              .option("mergeSchema", Boolean.toString(mergeSchema))
              .partitionBy(partitions.toArray(String[]::new))
              .save(location(table));
          written[0] = observed(counted, "rows");
        });
    register(table);
    return written[0];
  }

  /** A metric of an Observation whose action has run (so the wait is for a value already there). */
  public static long observed(Observation observation, String metric) {
    try {
      return ((Number) observation.getAsJava().get(metric)).longValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the row count of a write", e);
    }
  }

  public void append(Dataset<Row> rows, TableSpec table) {
    retryOnConflict(
        () ->
            SparkSchemas.conform(rows, table)
                .write()
                .format("delta")
                .mode(SaveMode.Append)
                .option("mergeSchema", "true")
                .save(location(table)));
    register(table);
  }

  /**
   * Whether {@code failure} came from the lake's storage not answering (the s3a client or the AWS
   * SDK in its cause chain) rather than from the data or another sink such as JDBC.
   */
  static boolean isStorageFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String type = t.getClass().getName();
      if (type.startsWith("org.apache.hadoop.fs.s3a.")
          || type.startsWith("com.amazonaws.")
          || type.startsWith("software.amazon.awssdk.")) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (isStorageFailure(s)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Periods replayed in parallel write disjoint partitions of the same tables; Delta resolves most
   * such commits itself, but two first writes of a new table, or two metadata updates, conflict.
   * Retrying is safe because each write replaces exactly its own partitions.
   */
  private static void retryOnConflict(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (ConcurrentModificationException e) {
        if (attempt >= 5) {
          throw e;
        }
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
