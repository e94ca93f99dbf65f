package org.lambdaref.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run Spark SQL over the platform's tables.",
      "Tables are named <database>.<table>, e.g. select * from t3.place_impression_aggr_1d_daily"
          + " limit 10."
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
      description = "Print at most this many rows (default ${DEFAULT-VALUE}).")
  int maxRows;

  @Override
  public Integer call() {
    PlatformConfig config = configOptions.load();
    SparkSession spark = SparkSessions.getOrCreate(config, "LambdaSql");
    LakeTables.registerAll(spark, config);
    Dataset<Row> result = spark.sql(query);
    List<String> header = Arrays.asList(result.columns());
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : result.takeAsList(maxRows)) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        values.add(row.get(i));
      }
      rows.add(values);
    }
    TablePrinter.print(System.out, format, header, rows);
    return 0;
  }
}
