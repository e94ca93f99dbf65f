package org.lambdaref.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One column of a platform table: the single declaration its writers build from and its readers ask
 * for by name.
 */
public record Column(String name, ColumnType type, boolean nullable) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public Column {
    Objects.requireNonNull(type, "type");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Column name '"
              + name
              + "' is not snake_case: write it as lower-case letters, digits and '_'");
    }
  }

  /** A nullable text column. */
  public static Column string(String name) {
    return new Column(name, ColumnType.STRING, true);
  }

  /** A nullable 32-bit integer column. */
  public static Column int32(String name) {
    return new Column(name, ColumnType.INT32, true);
  }

  /** A nullable 64-bit integer column. */
  public static Column int64(String name) {
    return new Column(name, ColumnType.INT64, true);
  }

  /** A nullable instant column. */
  public static Column timestamp(String name) {
    return new Column(name, ColumnType.TIMESTAMP, true);
  }

  @Override
  public String toString() {
    return name + " " + type.sql() + (nullable ? "" : " not null");
  }
}
