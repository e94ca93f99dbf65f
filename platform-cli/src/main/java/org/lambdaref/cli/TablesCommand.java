package org.lambdaref.cli;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
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

  @Option(
      names = "--engine",
      defaultValue = "auto",
      description =
          "auto (Trino when 'local up --with-trino' runs it, else Spark), spark or trino (default"
              + " ${DEFAULT-VALUE}).")
  SqlCommand.Engine engine;

  @Override
  public Integer call() throws SQLException {
    PlatformConfig config = configOptions.load();
    Optional<String> trino = SqlCommand.trinoFor(engine, config);
    List<LakeTables.TableInfo> infos;
    if (trino.isPresent()) {
      try (TrinoSql sql = TrinoSql.connect(trino.get())) {
        sql.registerAll(config);
        infos = sql.describe(config);
      }
    } else {
      infos = LakeTables.describe(SparkSessions.getOrCreate(config, "LambdaTables"), config);
    }
    List<List<Object>> rows = new ArrayList<>();
    for (LakeTables.TableInfo info : infos) {
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
