package org.lambdaref.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.emr.CatalogDdl;
import org.lambdaref.model.Errors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "catalog",
    mixinStandardHelpOptions = true,
    description = {
      "Print the statements that register the tables in a catalog.",
      "Its command ddl prints them for Glue, a Hive metastore, Trino or Athena."
    },
    subcommands = {CatalogCommand.Ddl.class})
final class CatalogCommand implements Runnable {

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "say what: catalog ddl");
  }

  @Command(
      name = "ddl",
      mixinStandardHelpOptions = true,
      description = {
        "Print the statements that register every platform table.",
        "CREATE DATABASE / CREATE TABLE ... USING DELTA LOCATION statements for Glue, a Hive"
            + " metastore, Trino (spark dialect) or Athena."
      })
  static final class Ddl implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;

    @Option(
        names = "--dialect",
        defaultValue = "spark",
        description = "spark or athena (default ${DEFAULT-VALUE}).")
    String dialect;

    @Override
    public Integer call() {
      PlatformConfig config = configOptions.loadUnresolved();
      Configuration hadoop = new Configuration();
      HadoopSettings.of(config).forEach(hadoop::set);
      if (hadoop.get("fs.s3.impl") == null) {
        // off EMR, s3:// (EMRFS there) is read with S3A
        hadoop.set("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
      }
      CatalogDdl.statements(
              config.storage(),
              CatalogDdl.Dialect.parse(dialect),
              location -> holdsDeltaTable(hadoop, location))
          .forEach(s -> System.out.println(s.startsWith("--") ? s : s + ";"));
      return 0;
    }

    private static boolean holdsDeltaTable(Configuration hadoop, String location) {
      Path log = new Path(location, "_delta_log");
      try {
        return log.getFileSystem(hadoop).exists(log);
      } catch (IOException e) {
        throw Errors.ioFailure("check for a Delta table", location, e);
      }
    }
  }
}
