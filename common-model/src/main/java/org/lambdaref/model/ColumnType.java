package org.lambdaref.model;

/**
 * The column types the platform's tables use, named engine-neutrally so that the model stays free
 * of Spark; each engine edge maps them once (Spark: {@code SparkSchemas}, Delta Kernel: the serving
 * reader).
 */
public enum ColumnType {
  /** UTF-8 text. */
  STRING("string"),
  /** 32-bit signed integer (Kafka partitions). */
  INT32("int"),
  /** 64-bit signed integer (counts, offsets). */
  INT64("bigint"),
  /** An instant, microsecond precision, stored in UTC (Delta {@code timestamp}). */
  TIMESTAMP("timestamp");

  private final String sql;

  ColumnType(String sql) {
    this.sql = sql;
  }

  /** The type's name in SQL DDL (Spark SQL, Trino and Athena spell these alike). */
  public String sql() {
    return sql;
  }

  /** The type's name in PostgreSQL DDL (an instant is a {@code timestamptz}). */
  public String postgres() {
    return switch (this) {
      case STRING -> "text";
      case INT32 -> "integer";
      case INT64 -> "bigint";
      case TIMESTAMP -> "timestamptz";
    };
  }
}
