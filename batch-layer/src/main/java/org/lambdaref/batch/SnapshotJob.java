package org.lambdaref.batch;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lambdaref.config.SourceDbSettings;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily snapshot of the place master table, {@code t1_db.place_snapshot_daily}, read over JDBC
 * from the service database or from the day's dump files in the raw area ({@code
 * platform.source-db.mode}). A column that appears, disappears or changes type against the table so
 * far is recorded in {@code ops.schema_change_alerts} and logged: downstream jobs and their readers
 * must hear of it before a number changes meaning. New columns are admitted (merge schema); a
 * retyped column is cast back to the type the table has, so earlier partitions stay readable.
 */
public final class SnapshotJob implements PeriodJob {

  public static final String JOB_NAME = "snapshot_place";

  /** The ledger's name of what the job reads: the place master database (or its dumps). */
  static final String SOURCE = "place_db";

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotJob.class);

  static final StructType ALERT_SCHEMA = SparkSchemas.of(PlatformTables.SCHEMA_CHANGE_ALERTS);

  /** One column-level difference between the source and the snapshot table. */
  public record SchemaChange(String change, String column, String previousType, String newType) {}

  private final Lake lake;

  public SnapshotJob(Lake lake) {
    this.lake = lake;
  }

  public Ledger.Entry run(LocalDate day) {
    return new Ledger(lake).record(this, Period.ofDay(day));
  }

  @Override
  public Id id(Period period) {
    return new Id(JOB_NAME, SOURCE);
  }

  /** The day's snapshot; an hour's run takes its day's. */
  @Override
  public Ledger.Entry write(Period period) {
    return snapshot(period.ymd());
  }

  private Ledger.Entry snapshot(String period) {
    SourceDbSettings db = lake.config().sourceDb();
    try {
      return snapshot(db, period);
    } catch (RuntimeException e) {
      PlatformException timeout =
          db.mode().equals("jdbc") && !(e instanceof PlatformException)
              ? ExportJob.timeoutError(
                  e,
                  db.connection(),
                  "platform.source-db",
                  "Snapshot of " + db.placeTable() + " for " + period,
                  db.placeTable(),
                  "bin/lambda batch --job snapshot --start-date "
                      + LocalDate.parse(period, Partitions.DAY_FORMAT)
                      + " --iteration-count 1")
              : null;
      throw timeout != null ? timeout : e;
    }
  }

  private Ledger.Entry snapshot(SourceDbSettings db, String period) {
    Dataset<Row> source = source(db, period);
    List<SchemaChange> changes = List.of();
    Dataset<Row> rows = source;
    if (lake.exists(PlatformTables.PLACE_SNAPSHOT)) {
      StructType previous =
          lake.read(PlatformTables.PLACE_SNAPSHOT).drop(Partitions.DAY_COLUMN).schema();
      changes = compare(previous, source.schema());
      rows = castRetypedColumns(source, previous, changes);
      alert(period, changes);
    }
    long count =
        lake.replaceDay(
            rows.withColumn(Partitions.DAY_COLUMN, lit(period)),
            PlatformTables.PLACE_SNAPSHOT,
            period,
            true);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("schema_changes", Integer.toString(changes.size()));
    return Ledger.Entry.rows(count, details);
  }

  /** The place master as of {@code period}: the table over JDBC, or that day's dump files. */
  private Dataset<Row> source(SourceDbSettings db, String period) {
    if (db.mode().equals("jdbc")) {
      // bounded waits: connect, socket, statement (queryTimeout) and, for PostgreSQL, lock timeouts
      return lake.spark()
          .read()
          .format("jdbc")
          .options(ExportJob.sparkOptions(db.connection()))
          .option("dbtable", db.placeTable())
          .load();
    }
    String dir =
        lake.config().storage().rawSourceLocation(db.dumpSource())
            + "/"
            + Partitions.DAY_COLUMN
            + "="
            + period;
    try {
      Path path = new Path(dir);
      FileSystem fs = path.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(path)
          || fs.listStatus(path, p -> !p.getName().startsWith("_") && !p.getName().startsWith("."))
                  .length
              == 0) {
        throw new PlatformException(
            "No dump of the place master for " + period + " at " + dir,
            "platform.source-db.mode = dump reads the day's dump files from the raw area",
            "write that day's dump ("
                + db.dumpFormat()
                + " files) there, or set platform.source-db.mode = jdbc");
      }
    } catch (IOException e) {
      throw Errors.ioFailure("list the place-master dump", dir, e);
    }
    return lake.spark().read().format(db.dumpFormat()).load(dir);
  }

  /**
   * Columns added, dropped or retyped from {@code previous} to {@code current} (case-insensitive
   * names).
   */
  public static List<SchemaChange> compare(StructType previous, StructType current) {
    Map<String, DataType> before = types(previous);
    Map<String, DataType> after = types(current);
    List<SchemaChange> changes = new ArrayList<>();
    after.forEach(
        (name, type) -> {
          DataType old = before.get(name);
          if (old == null) {
            changes.add(new SchemaChange("added", name, null, type.simpleString()));
          } else if (!old.equals(type)) {
            changes.add(
                new SchemaChange("type_changed", name, old.simpleString(), type.simpleString()));
          }
        });
    before.forEach(
        (name, type) -> {
          if (!after.containsKey(name)) {
            changes.add(new SchemaChange("dropped", name, type.simpleString(), null));
          }
        });
    return changes;
  }

  private static Map<String, DataType> types(StructType schema) {
    Map<String, DataType> types = new LinkedHashMap<>();
    for (StructField field : schema.fields()) {
      types.put(field.name().toLowerCase(Locale.ROOT), field.dataType());
    }
    return types;
  }

  /**
   * Casts the columns whose source type changed back to the table's type. A value that does not
   * convert becomes null: {@code try_cast}, not {@code cast}, since Spark 4 turns ANSI mode on and
   * a plain cast would then fail the whole snapshot (CAST_INVALID_INPUT) where Spark 3.5 gave null.
   * The SQL form, because {@code Column.try_cast} exists only from Spark 4.0.
   */
  static Dataset<Row> castRetypedColumns(
      Dataset<Row> rows, StructType previous, List<SchemaChange> changes) {
    Dataset<Row> out = rows;
    Map<String, DataType> before = types(previous);
    for (SchemaChange change : changes) {
      if (change.change().equals("type_changed")) {
        String quoted = "`" + change.column().replace("`", "``") + "`";
        out =
            out.withColumn(
                change.column(),
                expr("try_cast(" + quoted + " AS " + before.get(change.column()).sql() + ")"));
      }
    }
    return out;
  }

  private void alert(String period, List<SchemaChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (SchemaChange c : changes) {
      LOG.warn(
          "SCHEMA CHANGE in {} for {}: column '{}' {} ({} -> {}); check the jobs and reports that read it",
          lake.config().sourceDb().placeTable(),
          period,
          c.column(),
          c.change(),
          c.previousType(),
          c.newType());
      rows.add(
          RowFactory.create(
              PlatformTables.PLACE_SNAPSHOT.name().qualified(),
              period,
              c.change(),
              c.column(),
              c.previousType(),
              c.newType(),
              now));
    }
    lake.append(
        lake.spark().createDataFrame(rows, ALERT_SCHEMA), PlatformTables.SCHEMA_CHANGE_ALERTS);
  }
}
