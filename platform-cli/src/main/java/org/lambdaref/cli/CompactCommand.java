package org.lambdaref.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.Lake;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.RunOptions;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PartitionPredicates;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description = {
      "Pack the small files of a range of day partitions.",
      "Runs Delta OPTIMIZE on them, writing files of up to 1 GB."
    })
final class CompactCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;
  @Mixin RunOptions runOptions;

  @Option(
      names = "--table",
      defaultValue = "all",
      description = "A table, or all (default ${DEFAULT-VALUE}).")
  String table;

  @Override
  public Integer call() {
    PlatformConfig config = configOptions.load();
    RunArguments args = runOptions.toRunArguments(configOptions.env());
    SparkSession spark = SparkSessions.getOrCreate(config, args.applicationName("Compact"));
    Lake lake = new Lake(spark, config);
    List<TableSpec> tables = new ArrayList<>();
    for (TableSpec spec : PlatformTables.ALL) {
      if ((table.equals("all") || spec.name().qualified().equals(table))
          && !spec.partitionColumns().isEmpty()
          && lake.exists(spec)) {
        tables.add(spec);
      }
    }
    if (tables.isEmpty()) {
      throw Errors.badArgument(
          "--table", table, "all, or an existing partitioned table (bin/lambda tables)");
    }
    String from = Partitions.day(args.startDate());
    String to = Partitions.day(args.endDateInclusive());
    for (TableSpec spec : tables) {
      Row metrics =
          spark
              .sql(
                  "OPTIMIZE delta.`"
                      + lake.location(spec)
                      + "` WHERE "
                      + PartitionPredicates.dayRange(from, to))
              .first();
      Row m = metrics.getStruct(1);
      System.out.printf(
          "%-48s files removed %d, added %d%n",
          spec.name().qualified(),
          m.getLong(m.fieldIndex("numFilesRemoved")),
          m.getLong(m.fieldIndex("numFilesAdded")));
    }
    return 0;
  }
}
