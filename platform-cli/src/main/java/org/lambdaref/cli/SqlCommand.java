package org.lambdaref.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a SQL query over the tables, on the local Trino if it runs.",
      "Tables are named <database>.<table>, e.g. select * from t3.place_impression_aggr_1d_daily"
          + " limit 10. On the local Trino ('local up --with-trino') a query answers in about a"
          + " second; Spark starts in this command and registers every table first."
    })
final class SqlCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL statement.")
  String query;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, csv or json (default ${DEFAULT-VALUE}).")
  TablePrinter.Format format;

  @Option(
      names = "--max-rows",
      defaultValue = "1000",
      description =
          "Print at most this many rows, 0 for all (default ${DEFAULT-VALUE}); a cut result says so on stderr.")
  int maxRows;

  /** Which engine runs the query. */
  enum Engine {
    /** Trino when the local stack runs it, Spark otherwise. */
    AUTO,
    SPARK,
    TRINO
  }

  @Option(
      names = "--engine",
      defaultValue = "auto",
      description =
          "auto (Trino when 'local up --with-trino' runs it, else Spark), spark or trino (default"
              + " ${DEFAULT-VALUE}).")
  Engine engine;

  @Override
  public Integer call() throws Exception {
    if (maxRows < 0) {
      throw Errors.badArgument("--max-rows", maxRows, "0 (all rows) or a positive number of rows");
    }
    PlatformConfig config = configOptions.load();
    Optional<String> trino = trinoFor(engine, config);
    if (trino.isPresent()) {
      try (TrinoSql sql = TrinoSql.connect(trino.get())) {
        sql.registerAll(config);
        TrinoSql.Result result = sql.query(query, maxRows);
        TablePrinter.print(System.out, format, result.header(), result.rows());
        if (result.cut()) {
          printCut();
        }
      }
      return 0;
    }
    SparkSession spark = SparkSessions.getOrCreate(config, "LambdaSql");
    // a syntax error is reported before the tables are registered, which is most of the wait
    spark.sessionState().sqlParser().parsePlan(query);
    LakeTables.registerAll(spark, config);
    Dataset<Row> result = spark.sql(query);
    List<String> header = Arrays.asList(result.columns());
    List<Row> taken = maxRows == 0 ? result.collectAsList() : result.takeAsList(maxRows + 1);
    boolean cut = maxRows > 0 && taken.size() > maxRows;
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : cut ? taken.subList(0, maxRows) : taken) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        values.add(row.get(i));
      }
      rows.add(values);
    }
    TablePrinter.print(System.out, format, header, rows);
    if (cut) {
      printCut();
    }
    return 0;
  }

  /**
   * The local Trino to run on: the running one for {@code auto} and {@code trino} (refused when
   * none runs), none for {@code spark}.
   */
  static Optional<String> trinoFor(Engine engine, PlatformConfig config) {
    Optional<String> trino =
        engine == Engine.SPARK ? Optional.empty() : TrinoSql.runningUrl(config);
    if (engine == Engine.TRINO && trino.isEmpty()) {
      throw new PlatformException(
          "--engine trino, but no local Trino runs",
          "the local stack in "
              + config.localStack().dir()
              + " was started without Trino, or not at all",
          "start it: bin/lambda local down; bin/lambda local up --with-trino (or use --engine"
              + " spark)");
    }
    return trino;
  }

  private void printCut() {
    // on stderr, so that CSV and JSON on stdout stay data only
    System.err.printf(
        Locale.ROOT,
        "sql: the result has more than %d rows; printed the first %d (--max-rows 0 prints all)%n",
        maxRows,
        maxRows);
  }
}
