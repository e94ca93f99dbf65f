package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.package$;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LineUpgrade;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.SparkJvm;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;

/**
 * A lake moved from Spark 3.5 to this build mid-range, as a user moves from EMR 7.x to {@code
 * emr-spark-8.x}: the previous line's batch (built from the tag {@code spark-3.5-last}) runs the
 * first day of the fixed input of {@code regression/}, then this build runs the second day on the
 * same lake, ledger and database: reading the first day's tables (late events, the 30-day unique
 * users) and appending to tables the other Delta version created. Every table, ledger row and
 * exported row must then be the baseline's, whose figures were derived by hand from the rules.
 *
 * <p>Needs the old line's build: {@code tools/line-upgrade-check} builds the tag in a worktree and
 * passes it as {@link LineUpgrade#FROM_TREE}, so the suite skips it.
 */
@EnabledIfSystemProperty(named = LineUpgrade.FROM_TREE, matches = ".+")
class BatchLineUpgradeTest {

  @TempDir Path root;

  @Test
  void aDayOnTheSpark35LineThenADayOnThisOneGiveTheBaselinesTablesLedgerAndExport()
      throws Exception {
    String oldClasspath = LineUpgrade.classpathOf("batch-layer");
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                root.resolve("stack"), ServerKind.POSTGRES, ServerKind.DYNAMODB))) {
      Path lakeRoot = root.resolve("lake");
      Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
      overrides.put("platform.storage.root", lakeRoot.toString());
      overrides.put("platform.work-dir", root.resolve("work").toString());
      overrides.put("platform.timezone", "Asia/Seoul");
      overrides.put("platform.dynamodb.counters-table", "batch_upgrade_test");
      PlatformConfig config = ConfigLoader.load("local", overrides, Map.of(), lakeRoot);
      try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
        store.createTableIfMissing(); // where the batch takes its writer lease
      }
      RawFixtures.writeRaw(lakeRoot, RegressionBaseline.rawLines());
      RawFixtures.writePlaces(stack.jdbcUrl(), stack.jdbcUser(), "", RegressionBaseline.places());

      Path oldLog = root.resolve("batch-3.5.log");
      List<String> command =
          new ArrayList<>(SparkJvm.command(oldClasspath, BatchMain.class.getName(), "-Xmx1500m"));
      command.addAll(
          List.of(
              "--env",
              "local",
              "--start-date",
              "2019-06-08",
              "--iteration-count",
              "1",
              "--job",
              "all"));
      overrides.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(oldLog.toFile());
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      Process old = pb.start();
      assertThat(old.waitFor(5, TimeUnit.MINUTES))
          .as("the Spark 3.5 batch finished; see " + oldLog)
          .isTrue();
      assertThat(old.exitValue()).as("the Spark 3.5 batch ran 2019-06-08; see " + oldLog).isZero();

      SparkSession spark = SparkSessions.getOrCreate(config, "BatchLineUpgradeTest");
      Lake lake = new Lake(spark, config);
      List<BatchPipeline.PeriodResult> results =
          new BatchPipeline(lake, "place_event")
              .run(List.of(LocalDate.of(2019, 6, 9)), BatchPipeline.Job.parse("all"), 1, r -> {});
      assertThat(results)
          .allSatisfy(
              r ->
                  assertThat(r.status())
                      .as("%s: %s", r.day(), r.error())
                      .isEqualTo(RunStatus.SUCCEEDED));

      List<String> engines =
          spark
              .sql(
                  "DESCRIBE HISTORY delta.`"
                      + config.storage().tableLocation(PlatformTables.PLACE_IMPRESSION_30D.name())
                      + "`")
              .select("engineInfo")
              .distinct()
              .collectAsList()
              .stream()
              .map(r -> r.getString(0))
              .toList();
      assertThat(engines)
          .as("the 30-day t3 table (read back for each day) was written by both lines")
          .anyMatch(e -> e.startsWith("Apache-Spark/3.5."))
          .anyMatch(e -> e.startsWith("Apache-Spark/" + package$.MODULE$.SPARK_VERSION()));
      String actual =
          RegressionBaseline.dump(lake, config, stack.jdbcUrl(), stack.jdbcUser(), root);
      Path written = Path.of("target", "regression", "upgrade-actual.txt");
      Files.createDirectories(written.getParent());
      Files.writeString(written, actual);
      assertThat(actual)
          .as(
              "the tables of the fixed input after the move (this run's: %s)",
              written.toAbsolutePath())
          .isEqualTo(RegressionBaseline.resource(RegressionBaseline.BASELINE));
    }
  }
}
