package org.lambdaref.cli;

import java.util.concurrent.Callable;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.emr.CatalogDdl;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "catalog",
    mixinStandardHelpOptions = true,
    description = "Catalog registration of every platform table.",
    subcommands = {CatalogCommand.Ddl.class})
final class CatalogCommand implements Runnable {

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "say what: catalog ddl");
  }

  @Command(
      name = "ddl",
      mixinStandardHelpOptions = true,
      description =
          "Print CREATE DATABASE / CREATE TABLE ... USING DELTA LOCATION statements for Glue, a Hive metastore,"
              + " Trino (spark dialect) or Athena.")
  static final class Ddl implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;

    @Option(
        names = "--dialect",
        defaultValue = "spark",
        description = "spark or athena (default ${DEFAULT-VALUE}).")
    String dialect;

    @Override
    public Integer call() {
      CatalogDdl.statements(
              configOptions.loadUnresolved().storage(), CatalogDdl.Dialect.parse(dialect))
          .forEach(s -> System.out.println(s + ";"));
      return 0;
    }
  }
}
