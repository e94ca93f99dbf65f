package org.lambdaref.cli;

import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.ExportJob;
import org.lambdaref.batch.Lake;
import org.lambdaref.batch.Ledger;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.RunOptions;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Re-export a t3 table to the serving database (no recompute).",
      "Reads the t3 table alone and writes one transaction per period; --sample F sends a seeded"
          + " sample to the development database instead."
    })
final class ExportCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;
  @Mixin RunOptions runOptions;

  @Option(
      names = "--table",
      defaultValue = "t3.seller_place_aggr_1d_daily",
      description = "Table to export (default ${DEFAULT-VALUE}).")
  String table;

  @Option(
      names = "--sample",
      paramLabel = "F",
      description = "Export a fraction (0, 1] to platform.export.sample-url.")
  Double sample;

  @Override
  public Integer call() {
    if (!table.equals(PlatformTables.SELLER_PLACE_1D.name().qualified())) {
      throw Errors.badArgument(
          "--table",
          table,
          PlatformTables.SELLER_PLACE_1D.name().qualified() + " (the exported table)");
    }
    PlatformConfig config = configOptions.load();
    RunArguments args = runOptions.toRunArguments(configOptions.env());
    SparkSession spark = SparkSessions.getOrCreate(config, args.applicationName("SellerExport"));
    ExportJob export = new ExportJob(new Lake(spark, config));
    Console console = Console.stdout();
    int failed = 0;
    for (LocalDate day : args.days()) {
      try {
        Ledger.Entry e = sample == null ? export.run(day) : export.runSample(day, sample);
        console.line("    %s: %d rows to %s", day, e.rowsWritten(), e.details().get("table"));
      } catch (RuntimeException e) {
        failed++;
        console.line("    %s: FAILED: %s", day, e.getMessage());
      }
    }
    return failed == 0 ? 0 : 1;
  }
}
