package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSchemas;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;
import org.lambdaref.model.TableSpec;

/**
 * The same answers on every Spark line: a fixed, hand-written input (resources {@code
 * regression/raw-lines.tsv} and {@code places.tsv}) run through every batch job for two days, and
 * every table the batch writes (t1, t2, t3: columns, types, partitions and rows), the ledger's
 * accounting and details, and the rows exported to PostgreSQL compared with {@code
 * regression/baseline.txt}. The baseline was recorded on the Spark 3.5 line before the move to
 * Spark 4 and each of its figures checked by hand against the rules (the derivation is in {@code
 * regression/README.md}). Only what differs between two runs of the same input is masked: run ids,
 * wall-clock times, the input fingerprint (it holds file modification times) and the temporary
 * folder in source file paths.
 *
 * <p>To record a new baseline after a deliberate change of behaviour: {@code ./mvnw -pl batch-layer
 * -am verify -Dit.test=none -Dtest=BaselineRegressionTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dregression.record=true}, then check every changed figure by hand and say why in the commit.
 */
class BaselineRegressionTest {

  private static final List<LocalDate> DAYS =
      List.of(LocalDate.of(2019, 6, 8), LocalDate.of(2019, 6, 9));

  @RegisterExtension
  static final PostgresLake db =
      PostgresLake.named("BaselineRegressionTest").with("platform.timezone", "Asia/Seoul");

  private static PlatformConfig config;
  private static Lake lake;
  private static List<BatchPipeline.PeriodResult> results;

  @BeforeAll
  static void setUp() throws Exception {
    config = db.config();
    lake = db.lake();
    RawFixtures.writeRaw(db.lakeRoot(), RegressionBaseline.rawLines());
    RawFixtures.writePlaces(
        db.stack().jdbcUrl(), db.stack().jdbcUser(), "", RegressionBaseline.places());
    results =
        new BatchPipeline(lake, config.eventSource().name())
            .run(DAYS, BatchPipeline.Job.parse("all"), 1, r -> {});
  }

  @Test
  void everyTableLedgerRowAndExportedRowIsTheBaselines() throws Exception {
    assertThat(results)
        .allSatisfy(
            r ->
                assertThat(r.status())
                    .as("%s: %s", r.day(), r.error())
                    .isEqualTo(RunStatus.SUCCEEDED));

    String actual =
        RegressionBaseline.dump(
            lake, config, db.stack().jdbcUrl(), db.stack().jdbcUser(), db.root());
    Path written = Path.of("target", "regression", "actual.txt");
    Files.createDirectories(written.getParent());
    Files.writeString(written, actual, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("regression.record")) {
      Path baseline = Path.of("src", "test", "resources", RegressionBaseline.BASELINE);
      Files.writeString(baseline, actual, StandardCharsets.UTF_8);
      throw new AssertionError(
          "recorded "
              + baseline.toAbsolutePath()
              + ": check every changed figure by hand,"
              + " then run again without -Dregression.record");
    }
    assertThat(actual)
        .as("the tables of the fixed input (this run's: %s)", written.toAbsolutePath())
        .isEqualTo(RegressionBaseline.resource(RegressionBaseline.BASELINE));
  }

  /**
   * Every table the batch wrote: the speed layer's tables and the schema alerts are checked where
   * they are written.
   */
  static List<TableSpec> batchTables() {
    return PlatformTables.ALL.stream()
        .filter(t -> !t.name().database().equals("hot"))
        .filter(t -> t != PlatformTables.SCHEMA_CHANGE_ALERTS)
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("batchTables")
  void eachTableTheBatchWritesHasTheColumnsAndPartitionsItsDeclarationLists(TableSpec table) {
    assertThat(SparkSchemas.mismatches(lake.spark(), lake.location(table), table))
        .as("%s as the batch wrote it, against PlatformTables", table.name().qualified())
        .isEmpty();
  }
}
