package org.lambdaref.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A platform table's contract: its name, its columns in the order they are written, its partition
 * columns and what it holds. Writers build their frames from it, readers ask for columns by name
 * through it, so a renamed column is one change here and a reader asking for a column the table
 * does not declare fails where it asks, with the columns it could have meant.
 *
 * @param columns the columns every row has, in the written order (partition columns included)
 * @param sourceColumns whether rows also carry columns the table's source defines (the place
 *     master's snapshot takes the JDBC table's columns as they are, and reports their changes):
 *     then {@code columns} lists the ones the platform relies on
 */
public record TableSpec(
    TableName name,
    List<Column> columns,
    List<String> partitionColumns,
    boolean sourceColumns,
    String description) {

  public TableSpec {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    partitionColumns = List.copyOf(partitionColumns);
    // the record's fields are assigned after this body: read the parameters only
    Set<String> seen = new HashSet<>();
    for (Column c : columns) {
      if (!seen.add(c.name())) {
        throw new IllegalArgumentException(
            "Table " + name.qualified() + " declares column '" + c.name() + "' twice");
      }
    }
    for (String p : partitionColumns) {
      if (!seen.contains(p)) {
        throw new IllegalArgumentException(
            "Table "
                + name.qualified()
                + " is partitioned by '"
                + p
                + "', which is not among its columns "
                + columns.stream().map(Column::name).toList()
                + ": declare it as a column too");
      }
    }
  }

  /** The declared column names, in the written order. */
  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** The declared column called {@code columnName}, if any. */
  public Optional<Column> find(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  /**
   * The declared column called {@code columnName}; fails, naming the table, the closest declared
   * column and every declared one, when the table has no such column.
   */
  public Column column(String columnName) {
    return find(columnName)
        .orElseThrow(() -> Errors.undeclaredColumn(name, columnName, columnNames()));
  }

  /** {@code columnNames}, each checked against the declaration as {@link #column} does. */
  public List<String> names(String... columnNames) {
    List<String> names = new ArrayList<>(columnNames.length);
    for (String n : columnNames) {
      names.add(column(n).name());
    }
    return List.copyOf(names);
  }

  /** The declared columns that are not partition columns (a row's data). */
  public List<Column> dataColumns() {
    return columns.stream()
        .filter(c -> !partitionColumns.contains(c.name()))
        .collect(Collectors.toList());
  }

  /**
   * The Spark SQL statement that registers the table by its location (Glue, Hive metastore, Trino
   * via Glue). Delta keeps schema and partitions in its log: nothing else to register.
   */
  public String createStatement(String location) {
    return "CREATE TABLE IF NOT EXISTS "
        + name.qualified()
        + " USING DELTA LOCATION '"
        + location
        + "'";
  }
}
