package org.lambdaref.serving;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.TableSpec;

/**
 * Reads Delta tables with Delta Kernel: no Spark, and only the files the table's log says are live
 * (a plain Parquet reader would also see files an overwrite removed). The I/O edge of the serving
 * layer; {@link BatchViewLoader} decides what to read.
 */
public final class DeltaTableReader {

  /** One live data file of a snapshot, with its partition values as the log stores them. */
  public record DataFile(String path, Map<String, String> partitionValues, Row scanFileRow) {}

  /** A snapshot's version and live files, scanned for some columns. */
  public record TableFiles(
      String location, long version, List<DataFile> files, Row scanState, List<String> columns) {

    /**
     * Whether {@code column} is read (an optional column a table written by an older version lacks
     * is not).
     */
    public boolean has(String column) {
      return columns.contains(column);
    }
  }

  /** Called once per live row; {@code columns} are in the order asked for. */
  @FunctionalInterface
  public interface RowVisitor {
    void row(ColumnVector[] columns, int rowId);
  }

  private final Engine engine;

  public DeltaTableReader(Map<String, String> hadoopSettings) {
    Configuration conf = new Configuration();
    hadoopSettings.forEach(conf::set);
    this.engine = DefaultEngine.create(conf);
  }

  /** The latest version of the table at {@code location}, or empty when no Delta table is there. */
  public Optional<Long> latestVersion(String location) {
    try {
      return Optional.of(Table.forPath(engine, location).getLatestSnapshot(engine).getVersion());
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The live files of the latest snapshot of {@code table} at {@code location}, prepared to read
   * {@code columns}; empty when no Delta table is there yet (before the first batch run).
   */
  public Optional<TableFiles> files(TableSpec table, String location, List<String> columns) {
    return files(table, location, columns, List.of());
  }

  /**
   * As {@link #files(TableSpec, String, List)}, also reading those of {@code optional} the stored
   * table has (read after {@code columns}, in order; {@link TableFiles#columns} lists what is
   * read). Every column asked for must be one {@code table} declares: a reader asking for another
   * fails here, before any file is read, with the declared columns.
   */
  public Optional<TableFiles> files(
      TableSpec table, String location, List<String> columns, List<String> optional) {
    columns.forEach(table::column);
    optional.forEach(table::column);
    Snapshot snapshot;
    try {
      snapshot = Table.forPath(engine, location).getLatestSnapshot(engine);
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
    StructType schema = snapshot.getSchema();
    StructType readSchema = new StructType();
    for (String column : columns) {
      StructField field =
          schema.fields().stream()
              .filter(f -> f.getName().equals(column))
              .findFirst()
              .orElseThrow(
                  () ->
                      new PlatformException(
                          "The Delta table at " + location + " has no column '" + column + "'",
                          "the serving layer reads "
                              + columns
                              + "; the table has "
                              + schema.fieldNames(),
                          "rebuild the table with the batch layer of this version (bin/lambda batch), or check platform.storage.*"));
      readSchema = readSchema.add(field);
    }
    List<String> read = new ArrayList<>(columns);
    for (String column : optional) {
      Optional<StructField> field =
          schema.fields().stream().filter(f -> f.getName().equals(column)).findFirst();
      if (field.isPresent()) {
        readSchema = readSchema.add(field.get());
        read.add(column);
      }
    }
    Scan scan = snapshot.getScanBuilder().withReadSchema(readSchema).build();
    Row scanState = scan.getScanState(engine);
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            Row row = rows.next();
            files.add(
                new DataFile(
                    InternalScanFileUtils.getAddFileStatus(row).getPath(),
                    Map.copyOf(InternalScanFileUtils.getPartitionValues(row)),
                    row));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing the files of " + location, e);
    }
    return Optional.of(
        new TableFiles(location, snapshot.getVersion(), files, scanState, List.copyOf(read)));
  }

  /** Visits every live row of one file (deletion vectors applied). */
  public void read(TableFiles table, DataFile file, RowVisitor visitor) {
    FileStatus status = InternalScanFileUtils.getAddFileStatus(file.scanFileRow());
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(engine, table.scanState());
    try (CloseableIterator<ColumnarBatch> data =
            engine
                .getParquetHandler()
                .readParquetFiles(
                    Utils.singletonCloseableIterator(status), physical, Optional.empty());
        CloseableIterator<FilteredColumnarBatch> logical =
            Scan.transformPhysicalData(engine, table.scanState(), file.scanFileRow(), data)) {
      while (logical.hasNext()) {
        FilteredColumnarBatch batch = logical.next();
        ColumnarBatch columns = batch.getData();
        ColumnVector[] vectors = new ColumnVector[columns.getSchema().length()];
        for (int i = 0; i < vectors.length; i++) {
          vectors[i] = columns.getColumnVector(i);
        }
        Optional<ColumnVector> selected = batch.getSelectionVector();
        for (int r = 0; r < columns.getSize(); r++) {
          if (selected.isEmpty() || (!selected.get().isNullAt(r) && selected.get().getBoolean(r))) {
            visitor.row(vectors, r);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file.path() + " of " + table.location(), e);
    }
  }
}
