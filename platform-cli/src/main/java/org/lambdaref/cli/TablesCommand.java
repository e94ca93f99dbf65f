package org.lambdaref.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = {
      "List every platform table with its partitions, rows and files.",
      "Shows each table's tier, location, partitions, rows and files; files per partition show"
          + " small-file trouble."
    })
final class TablesCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, csv or json (default ${DEFAULT-VALUE}).")
  TablePrinter.Format format;

  @Override
  public Integer call() {
    PlatformConfig config = configOptions.load();
    SparkSession spark = SparkSessions.getOrCreate(config, "LambdaTables");
    List<List<Object>> rows = new ArrayList<>();
    for (LakeTables.TableInfo info : LakeTables.describe(spark, config)) {
      rows.add(
          List.of(
              info.spec().name().qualified(),
              info.spec().name().database(),
              info.exists() ? info.partitions() : "-",
              info.exists() ? info.rows() : "-",
              info.exists() ? info.files() : "-",
              info.exists() && info.partitions() > 0
                  ? String.format("%.1f", (double) info.files() / info.partitions())
                  : "-",
              info.location()));
    }
    TablePrinter.print(
        System.out,
        format,
        List.of("table", "tier", "partitions", "rows", "files", "files/partition", "location"),
        rows);
    return 0;
  }
}
