package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SourceConfig;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PartitionPredicates;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.Period;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The t1 collect job for one source and one period (a day, or an hour for a source whose {@code
 * period} is {@code hour}): reads the period's raw arrival window, validates and classifies every
 * line it owns, and replaces the period's rows of the t1 event, quarantine and late tables; then
 * appends the run's accounting to {@code ops.batch_ledger}.
 *
 * <p>Classification order: rejected, then late, then duplicate, then accepted. Duplicates are
 * copies of an event id within the period; the copy with the earliest processing time is kept. The
 * quarantine and late tables are daily: an hourly run replaces only its own rows of the day (those
 * whose {@code owner_period} is the hour).
 */
public final class CollectJob implements PeriodJob {

  private static final Logger LOG = LoggerFactory.getLogger(CollectJob.class);

  /** The ledger detail that fingerprints the raw files a run read. */
  private static final String INPUTS = "inputs";

  public static final String JOB_NAME = "collect_place_event";

  /** The run's accounting; {@code owned = accepted + duplicates + late + rejected}. */
  public record Counts(
      long owned, long accepted, long duplicates, long late, long rejected, long linesRead) {

    static Counts of(Ledger.Entry entry) {
      return new Counts(
          entry.owned(),
          entry.accepted(),
          entry.duplicates(),
          entry.late(),
          entry.rejected(),
          entry.linesRead());
    }
  }

  private final SparkSession spark;
  private final PlatformConfig config;
  private final SourceConfig source;
  private final Lake lake;

  public CollectJob(SparkSession spark, PlatformConfig config, String sourceName) {
    this(new Lake(spark, config), sourceName);
  }

  CollectJob(Lake lake, String sourceName) {
    this.spark = lake.spark();
    this.config = lake.config();
    this.source = config.source(sourceName);
    this.lake = lake;
  }

  public Counts run(LocalDate day) {
    return run(Period.ofDay(day));
  }

  public Counts run(Period period) {
    return Counts.of(new Ledger(lake).record(this, period));
  }

  @Override
  public Id id(Period period) {
    return new Id(JOB_NAME, source.name());
  }

  @Override
  public Ledger.Entry write(Period period) {
    checkUnit(period);
    Counts c = collect(period);
    return new Ledger.Entry(
        c.linesRead(),
        c.owned(),
        c.accepted(),
        c.duplicates(),
        c.late(),
        c.rejected(),
        c.accepted() + c.late() + c.rejected(),
        Map.of(INPUTS, inputFingerprint(period)));
  }

  /** Resumable only while the period's raw files are those the recorded run read. */
  @Override
  public boolean inputsUnchanged(Period period, String details) {
    return details != null && details.contains(INPUTS + "=" + inputFingerprint(period));
  }

  private void checkUnit(Period period) {
    if (period.unit() != source.period()) {
      throw new PlatformException(
          "Cannot collect "
              + source.name()
              + " for the "
              + period.unit().name().toLowerCase(Locale.ROOT)
              + " period "
              + period,
          "the source's runs are cut by "
              + source.period().name().toLowerCase(Locale.ROOT)
              + " (platform.sources."
              + source.name()
              + ".period), and a line belongs to exactly one run of that unit",
          "give the start as "
              + (source.period() == PeriodUnit.HOUR
                  ? "an hour (2019-06-08T15)"
                  : "a day (2019-06-08)")
              + ", or change platform.sources."
              + source.name()
              + ".period");
    }
  }

  /**
   * The batch dedup rule: of the on-time copies of one event id in a period, the one with the
   * earliest processing time is kept. The remaining keys order every column the table keeps, so
   * copies that tie on all of them are the same row and the choice cannot change the table. Pure:
   * {@code onTime} needs the event columns and {@code source_file}.
   */
  public static Dataset<Row> keepEarliestCopy(Dataset<Row> onTime) {
    return onTime
        .withColumn(
            "copy",
            row_number()
                .over(
                    Window.partitionBy("event_id")
                        .orderBy(
                            "processing_time",
                            "source_file",
                            "event_time",
                            "place_id",
                            "user_id",
                            "action",
                            "country",
                            "category",
                            "sub_category",
                            "table_name")))
        .filter(col("copy").equalTo(1))
        .drop("copy");
  }

  private Counts collect(Period period) {
    Dataset<Row> classified = classifiedWindow(period).cache();
    try {
      // one pass over the lines (it also fills the cache); accepted is counted while writing
      Column owner = col("owner_period").equalTo(period.id());
      Row c =
          classified
              .agg(
                  count(lit(1)),
                  count(when(owner.and(col("status").equalTo(Ownership.Status.ON_TIME.name())), 1)),
                  count(when(owner.and(col("status").equalTo(Ownership.Status.LATE.name())), 1)),
                  count(
                      when(owner.and(col("status").equalTo(Ownership.Status.REJECTED.name())), 1)))
              .first();
      long linesRead = c.getLong(0);
      long onTimeCount = c.getLong(1);
      long lateCount = c.getLong(2);
      long rejected = c.getLong(3);

      Dataset<Row> owned = classified.filter(owner);
      Dataset<Row> events =
          keepEarliestCopy(owned.filter(col("status").equalTo(Ownership.Status.ON_TIME.name())))
              .select(
                  eventColumns(
                      col("event_day").as(Partitions.DAY_COLUMN),
                      col("event_hour").as(Partitions.HOUR_COLUMN)));
      Dataset<Row> quarantine =
          owned
              .filter(col("status").equalTo(Ownership.Status.REJECTED.name()))
              .select(
                  col("raw_line"),
                  col("reason"),
                  col("detail"),
                  col("source_file"),
                  col("arrival_hour"),
                  lit(period.id()).as(Columns.OWNER_PERIOD.name()),
                  lit(period.ymd()).as(Partitions.DAY_COLUMN));
      Dataset<Row> late =
          owned
              .filter(col("status").equalTo(Ownership.Status.LATE.name()))
              .select(
                  eventColumns(
                      col("event_day"),
                      lit(period.id()).as(Columns.OWNER_PERIOD.name()),
                      lit(period.ymd()).as(Partitions.DAY_COLUMN)));

      long accepted = lake.replacePeriod(events, PlatformTables.PLACE_EVENT, period);
      // the daily tables: a day run replaces the day; an hourly run only its own rows of the day.
      // mergeSchema: tables written before owner_period existed gain the column
      String ownRows = PartitionPredicates.ownedRows(period);
      long quarantined =
          lake.replaceWhere(quarantine, PlatformTables.PLACE_EVENT_QUARANTINE, ownRows, true);
      long lateWritten = lake.replaceWhere(late, PlatformTables.PLACE_EVENT_LATE, ownRows, true);
      if (quarantined != rejected || lateWritten != lateCount) {
        // the accounting is the job's promise: a mismatch is a bug, never a number to record
        throw new IllegalStateException(
            "collect "
                + period.id()
                + ": counted "
                + rejected
                + " rejected and "
                + lateCount
                + " late lines but wrote "
                + quarantined
                + " and "
                + lateWritten);
      }
      return new Counts(
          onTimeCount + lateCount + rejected,
          accepted,
          onTimeCount - accepted,
          lateCount,
          rejected,
          linesRead);
    } finally {
      classified.unpersist();
    }
  }

  /** The typed event columns shared by the event and late tables, then the given extras. */
  private static Column[] eventColumns(Column... extra) {
    List<Column> columns = new ArrayList<>();
    for (String name :
        List.of(
            "event_id",
            "event_time",
            "processing_time",
            "country",
            "category",
            "sub_category",
            "table_name",
            "place_id",
            "user_id",
            "action",
            "source_file")) {
      columns.add(col(name));
    }
    columns.addAll(List.of(extra));
    return columns.toArray(Column[]::new);
  }

  /** Every line of the period's arrival window, classified; lines owned by other runs included. */
  Dataset<Row> classifiedWindow(LocalDate day) {
    return classifiedWindow(Period.ofDay(day));
  }

  Dataset<Row> classifiedWindow(Period period) {
    IngestWindow window = IngestWindow.of(period, config.timezone(), source);
    String root = config.storage().rawSourceLocation(source.name());
    List<String> paths =
        existing(root, window.arrivalHours().stream().map(h -> root + "/" + h.path()).toList());
    StructType lineSchema =
        new StructType()
            .add("value", DataTypes.StringType)
            .add("source_file", DataTypes.StringType)
            .add("file_error", DataTypes.StringType);
    List<String> files = files(root, paths);
    Map<String, String> corrupt =
        RawFileCheck.corruptGzipFiles(spark, HadoopSettings.of(config), files);
    List<String> readable = files.stream().filter(f -> !corrupt.containsKey(f)).toList();
    Dataset<Row> lines =
        readable.isEmpty()
            ? spark.createDataFrame(List.of(), lineSchema)
            : spark
                .read()
                .text(readable.toArray(String[]::new))
                .withColumn("source_file", input_file_name())
                .withColumn("file_error", lit(null).cast(DataTypes.StringType));
    if (!corrupt.isEmpty()) {
      // one rejected record per unreadable file, owned by the run of its arrival day
      List<Row> rejected = new ArrayList<>();
      corrupt.forEach(
          (file, error) -> {
            LOG.warn(
                "raw file {} is unreadable and is rejected as a whole (one quarantine row): {}",
                file,
                error);
            rejected.add(RowFactory.create(null, file, error));
          });
      lines = lines.unionByName(spark.createDataFrame(rejected, lineSchema));
    }
    return RawLineClassifier.classify(lines, config.timezone(), source);
  }

  /**
   * A digest of the raw files the period's run reads (path, size, modification time): {@code
   * --resume} reruns a period whose inputs changed even if the ledger says it succeeded.
   */
  public String inputFingerprint(LocalDate day) {
    return inputFingerprint(Period.ofDay(day));
  }

  public String inputFingerprint(Period period) {
    IngestWindow window = IngestWindow.of(period, config.timezone(), source);
    String root = config.storage().rawSourceLocation(source.name());
    try {
      FileSystem fs = FileSystem.get(URI.create(root), spark.sparkContext().hadoopConfiguration());
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String dir :
          existing(root, window.arrivalHours().stream().map(h -> root + "/" + h.path()).toList())) {
        FileStatus[] files = fs.listStatus(new Path(dir));
        Arrays.sort(files, Comparator.comparing(f -> f.getPath().toString()));
        for (FileStatus f : files) {
          digest.update(
              (f.getPath() + "|" + f.getLen() + "|" + f.getModificationTime() + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (IOException e) {
      throw Errors.ioFailure("list raw files", root, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The data files directly in {@code dirs} (hidden and marker files skipped), sorted. */
  private List<String> files(String root, List<String> dirs) {
    try {
      FileSystem fs = FileSystem.get(URI.create(root), spark.sparkContext().hadoopConfiguration());
      List<String> out = new ArrayList<>();
      for (String dir : dirs) {
        for (FileStatus f : fs.listStatus(new Path(dir))) {
          String name = f.getPath().getName();
          if (f.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
            out.add(f.getPath().toString());
          }
        }
      }
      Collections.sort(out);
      return out;
    } catch (IOException e) {
      throw Errors.ioFailure("list raw files", root, e);
    }
  }

  private List<String> existing(String root, List<String> candidates) {
    try {
      FileSystem fs = FileSystem.get(URI.create(root), spark.sparkContext().hadoopConfiguration());
      List<String> found = new ArrayList<>();
      for (String candidate : candidates) {
        if (fs.exists(new Path(candidate))) {
          found.add(candidate);
        }
      }
      return found;
    } catch (IOException e) {
      throw Errors.ioFailure("list raw arrival partitions", root, e);
    }
  }
}
