package org.lambdaref.cli;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.lambdaref.batch.Lake;
import org.lambdaref.batch.MergedHourlyView;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;

/** The platform's tables as a Spark session sees them: registered by name where they exist. */
final class LakeTables {

  private LakeTables() {}

  /** What {@code lambda tables} prints per table. */
  record TableInfo(
      TableSpec spec, String location, boolean exists, long partitions, long rows, long files) {}

  static boolean exists(SparkSession spark, String location) {
    return DeltaTable.isDeltaTable(spark, location);
  }

  /** Registers every existing table under its database so that SQL can name it. */
  static List<String> registerAll(SparkSession spark, PlatformConfig config) {
    List<String> registered = new ArrayList<>();
    for (TableSpec spec : PlatformTables.ALL) {
      String location = config.storage().tableLocation(spec.name());
      if (!exists(spark, location)) {
        continue;
      }
      spark.sql("CREATE DATABASE IF NOT EXISTS " + spec.name().database());
      spark.sql(spec.createStatement(location));
      registered.add(spec.name().qualified());
    }
    MergedHourlyView.register(new Lake(spark, config))
        .ifPresent(
            w ->
                registered.add(
                    MergedHourlyView.NAME + " (newest day covered by the batch: " + w + ")"));
    return registered;
  }

  static List<TableInfo> describe(SparkSession spark, PlatformConfig config) {
    List<TableInfo> infos = new ArrayList<>();
    for (TableSpec spec : PlatformTables.ALL) {
      String location = config.storage().tableLocation(spec.name());
      if (!exists(spark, location)) {
        infos.add(new TableInfo(spec, location, false, 0, 0, 0));
        continue;
      }
      Row detail = spark.sql("DESCRIBE DETAIL delta.`" + location + "`").first();
      long files = detail.getLong(detail.fieldIndex("numFiles"));
      var table = spark.read().format("delta").load(location);
      long rows = table.count();
      long partitions =
          spec.partitionColumns().isEmpty()
              ? 1
              : table
                  .select(
                      spec.partitionColumns().stream().map(functions::col).toArray(Column[]::new))
                  .distinct()
                  .count();
      infos.add(new TableInfo(spec, location, true, partitions, rows, files));
    }
    return infos;
  }
}
