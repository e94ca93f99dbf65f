package org.lambdaref.config;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lambdaref.model.Column;
import org.lambdaref.model.ColumnType;
import org.lambdaref.model.Columns;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlaceEvent;
import org.lambdaref.model.TableSpec;

/**
 * The Spark edge of the table contracts ({@link TableSpec}): the schema a declaration means in
 * Spark, and the one check every writer's frame passes before it reaches a table.
 */
public final class SparkSchemas {

  private SparkSchemas() {}

  /** The Spark type of a declared column type. */
  public static DataType type(ColumnType type) {
    return switch (type) {
      case STRING -> DataTypes.StringType;
      case INT32 -> DataTypes.IntegerType;
      case INT64 -> DataTypes.LongType;
      case TIMESTAMP -> DataTypes.TimestampType;
    };
  }

  /** {@code schema} followed by {@code columns} (a working frame that carries declared columns). */
  public static StructType withColumns(StructType schema, List<Column> columns) {
    StructType out = schema;
    for (Column c : columns) {
      out = out.add(c.name(), type(c.type()), c.nullable());
    }
    return out;
  }

  /** The declared columns of {@code table} as a Spark schema, in the written order. */
  public static StructType of(TableSpec table) {
    return new StructType(
        table.columns().stream()
            .map(c -> new StructField(c.name(), type(c.type()), c.nullable(), Metadata.empty()))
            .toArray(StructField[]::new));
  }

  /**
   * {@code frame} as {@code table} declares it: its declared columns selected in the declared
   * order. Fails, naming the table and the column, when the frame lacks a declared column, carries
   * one of another type (no cast: a cast could truncate silently), or carries a column the
   * declaration does not have (unless the table keeps its source's columns). A writer calls it on
   * every frame it writes, so a table never gets a column its declaration lacks.
   */
  public static Dataset<Row> conform(Dataset<Row> frame, TableSpec table) {
    return checked(frame, table, false);
  }

  /**
   * The declared columns of {@code table} taken from {@code frame}, in the declared order; the
   * frame's working columns (a status, a bucket) are left behind. Fails as {@link #conform} does on
   * a missing or mistyped column.
   */
  public static Dataset<Row> project(Dataset<Row> frame, TableSpec table) {
    return checked(frame, table, true);
  }

  private static Dataset<Row> checked(Dataset<Row> frame, TableSpec table, boolean dropUndeclared) {
    Map<String, DataType> present =
        Arrays.stream(frame.schema().fields())
            .collect(Collectors.toMap(StructField::name, StructField::dataType, (a, b) -> a));
    List<String> problems = new ArrayList<>();
    for (Column c : table.columns()) {
      DataType actual = present.get(c.name());
      if (actual == null) {
        problems.add("column '" + c.name() + "' is missing");
      } else if (!actual.equals(type(c.type()))) {
        problems.add(
            "column '"
                + c.name()
                + "' is "
                + actual.simpleString()
                + ", declared "
                + c.type().sql());
      }
    }
    if (!table.sourceColumns() && !dropUndeclared) {
      for (String name : present.keySet()) {
        if (table.find(name).isEmpty()) {
          problems.add("column '" + name + "' is not declared");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "The rows written to "
              + table.name().qualified()
              + " do not match its declaration: "
              + String.join("; ", problems)
              + ". The frame has "
              + frame.schema().simpleString()
              + ", the declaration "
              + table.columns()
              + " (PlatformTables): build the frame from the declaration, or change the declaration and"
              + " every reader with it");
    }
    if (table.sourceColumns()) {
      return frame;
    }
    List<String> names = table.columnNames();
    return frame.select(names.get(0), names.subList(1, names.size()).toArray(String[]::new));
  }

  /**
   * How a table as stored ({@code schema}, {@code partitionColumns}, e.g. from its Delta log)
   * differs from {@code table}'s declaration: one line per difference, empty when it matches
   * (column order included; a table that keeps its source's columns may have more).
   */
  public static List<String> mismatches(
      StructType schema, List<String> partitionColumns, TableSpec table) {
    List<String> problems = new ArrayList<>();
    if (!partitionColumns.equals(table.partitionColumns())) {
      problems.add("partitioned by " + partitionColumns + ", declared " + table.partitionColumns());
    }
    List<StructField> stored = Arrays.asList(schema.fields());
    if (table.sourceColumns()) {
      for (Column c : table.columns()) {
        StructField f =
            stored.stream().filter(x -> x.name().equals(c.name())).findFirst().orElse(null);
        if (f == null) {
          problems.add("no column " + c);
        } else if (!f.dataType().equals(type(c.type())) || f.nullable() != c.nullable()) {
          problems.add(
              "column "
                  + f.name()
                  + " "
                  + f.dataType().sql()
                  + (f.nullable() ? "" : " not null")
                  + ", declared "
                  + c);
        }
      }
      return problems;
    }
    StructType declared = of(table);
    if (!declared.equals(
        new StructType(
            stored.stream()
                .map(f -> new StructField(f.name(), f.dataType(), f.nullable(), Metadata.empty()))
                .toArray(StructField[]::new)))) {
      problems.add("columns " + schema.toDDL() + ", declared " + declared.toDDL());
    }
    return problems;
  }

  /** How the Delta table at {@code location} differs from {@code table}'s declaration, as above. */
  public static List<String> mismatches(SparkSession spark, String location, TableSpec table) {
    Row detail = DeltaTable.forPath(spark, location).detail().select("partitionColumns").first();
    List<String> partitions = detail.getList(0);
    return mismatches(spark.read().format("delta").load(location).schema(), partitions, table);
  }

  /**
   * The {@code p_ymd} values of the files a (filtered) table read holds, from its file list alone
   * (no data is read): the batch's aggregate counts the days of its range by it, the hot tables'
   * retention finds the covered days they still hold.
   */
  public static Set<String> daysHeld(Dataset<Row> table) {
    Pattern day = Pattern.compile(Partitions.DAY_COLUMN + "=(\\d{8})");
    return Arrays.stream(table.inputFiles())
        .map(day::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .collect(Collectors.toSet());
  }

  /**
   * A frame of {@code table}'s declared schema holding {@code rows}, each given as column name to
   * value (a column left out is null). Every name must be declared: a fixture or a small writer
   * (the ledger) builds its rows through the declaration, never through a schema of its own.
   */
  public static Dataset<Row> frame(SparkSession spark, TableSpec table, List<Map<String, ?>> rows) {
    List<String> names = table.columnNames();
    List<Row> built = new ArrayList<>(rows.size());
    for (Map<String, ?> row : rows) {
      row.keySet().forEach(table::column);
      built.add(RowFactory.create(names.stream().map(row::get).toArray()));
    }
    return spark.createDataFrame(built, of(table));
  }

  /**
   * An event's envelope as row values in the order of {@link Columns#EVENT} (instants as {@link
   * Timestamp}), for the working rows the classifiers build around it.
   */
  public static Object[] eventValues(PlaceEvent e) {
    return new Object[] {
      e.eventId(),
      Timestamp.from(e.eventTime()),
      Timestamp.from(e.processingTime()),
      e.country(),
      e.category(),
      e.subCategory(),
      e.tableName(),
      e.placeId(),
      e.userId(),
      e.action().wireName()
    };
  }

  /** The envelope of a record that has none (a rejected line): one null per envelope column. */
  public static Object[] noEvent() {
    return new Object[Columns.EVENT.size()];
  }

  /** A row of the values of {@code parts}, one after the other. */
  public static Row row(Object[]... parts) {
    return RowFactory.create(Arrays.stream(parts).flatMap(Arrays::stream).toArray());
  }
}
