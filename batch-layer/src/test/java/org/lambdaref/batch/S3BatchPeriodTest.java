package org.lambdaref.batch;

import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;
import org.lambdaref.model.TableSpec;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratedLine;
import org.lambdaref.model.generator.GeneratorSpec;
import org.lambdaref.model.generator.PlaceMaster;

/**
 * One batch period with the raw area and every tier at {@code s3a://} on the local S3 server
 * (path-style, endpoint override, SigV4 credentials): the path EMR users take. Then the S3 server
 * stopped in the middle of a rerun: the period fails saying so, readers keep the previous tables,
 * and a rerun once the server is back completes with the same tables. Each test runs the period
 * itself (the second starts with a clean run of its own), so they hold in any order.
 */
class S3BatchPeriodTest {

  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);
  @TempDir static Path work;
  private static LocalStack stack;
  private static PlatformConfig config;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() throws Exception {
    stack = LocalStack.start(LocalStackOptions.forTests(work, ServerKind.S3, ServerKind.POSTGRES));
    Files.createDirectories(
        stack.s3DataDir().resolve("lake")); // the filesystem backend: a folder is a bucket
    Map<String, String> overrides = new HashMap<>(stack.configOverrides());
    overrides.put("platform.storage.root", "s3a://lake/it");
    overrides.put("platform.jdbc.user", stack.jdbcUser());
    config = ConfigLoader.load("local-s3", overrides, Map.of(), work);
    spark = SparkSessions.getOrCreate(config, "S3BatchPeriodTest");
    List<GeneratedLine> lines =
        EventGenerator.generate(
            new GeneratorSpec(
                DAY, 1, 300, 20, 40, 0.05, 0.0, 0.02, ZoneId.of("UTC"), Duration.ofHours(6), 4));
    RawFixtures.writeRaw(config, lines);
    RawFixtures.writePlaces(stack.jdbcUrl(), stack.jdbcUser(), "", PlaceMaster.places(20, 4, 1));
  }

  @AfterAll
  static void tearDown() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aWholePeriodRunsWithRawAndTiersOnS3() {
    Lake lake = new Lake(spark, config);
    List<BatchPipeline.PeriodResult> results =
        new BatchPipeline(lake, "place_event")
            .run(List.of(DAY), BatchPipeline.Job.parse("all"), 1, r -> {});

    assertThat(results.get(0).status())
        .as(String.valueOf(results.get(0).error()))
        .isEqualTo(RunStatus.SUCCEEDED);
    assertThat(lake.location(PlatformTables.PLACE_ACTION_1H))
        .startsWith("s3a://lake/it/datastore/t3/");
    long accepted = lake.day(PlatformTables.PLACE_EVENT, "20190608").count();
    long counted =
        lake.day(PlatformTables.PLACE_ACTION_1H, "20190608").agg(sum("events")).first().getLong(0);
    assertThat(accepted).isEqualTo(300);
    assertThat(counted).isEqualTo(accepted);
    assertThat(
            stack
                .s3DataDir()
                .resolve("lake/it/datastore/t3/place_action_aggr_1h_hourly/_delta_log"))
        .as("the Delta log is on the S3 server")
        .isDirectory();
  }

  @Test
  void theS3ServerStoppedMidRunFailsThePeriodClearlyAndARerunCompletesWithTheSameTables()
      throws Exception {
    Lake lake = new Lake(spark, config);
    BatchPipeline pipeline = new BatchPipeline(lake, "place_event");
    assertThat(runOnce(pipeline).status()).as("a clean run first").isEqualTo(RunStatus.SUCCEEDED);
    Map<String, List<String>> clean = tables(lake);

    Path t1 = stack.s3DataDir().resolve("lake/it/datastaging/t1_log/place_event_timeseries_hourly");
    long since = System.currentTimeMillis();
    CompletableFuture<BatchPipeline.PeriodResult> rerun =
        CompletableFuture.supplyAsync(() -> runOnce(pipeline));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!HaltDuringDeltaWrite.newDataFileIn(t1, since)
        && !rerun.isDone()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(rerun.isDone())
        .as("the rerun was still running when the S3 server went away")
        .isFalse();
    stack.stop(ServerKind.S3);
    long stopped = System.nanoTime();
    BatchPipeline.PeriodResult failed = rerun.get(5, TimeUnit.MINUTES);
    long failedAfterMs = (System.nanoTime() - stopped) / 1_000_000;
    stack.restart(ServerKind.S3);
    System.out.printf(
        "S3 stopped mid-run: the period failed %d ms later: %s%n", failedAfterMs, failed.error());

    assertThat(failed.status())
        .as("the period fails, it does not hang or pass")
        .isEqualTo(RunStatus.FAILED);
    assertThat(failed.error())
        .as("the message says what went away and what to do")
        .contains("stopped answering")
        .contains("s3a://lake/it")
        .contains("run the period again")
        .contains("platform.s3.endpoint");
    assertThat(tables(lake)).as("readers see the tables of the clean run, whole").isEqualTo(clean);

    assertThat(runOnce(pipeline).status())
        .as("a rerun once the server is back")
        .isEqualTo(RunStatus.SUCCEEDED);
    assertThat(tables(lake)).as("the rerun gives the clean run's tables").isEqualTo(clean);
  }

  private static BatchPipeline.PeriodResult runOnce(BatchPipeline pipeline) {
    return pipeline
        .run(List.of(DAY), BatchPipeline.Job.parse("collect,snapshot,enrich,aggregate"), 1, r -> {})
        .get(0);
  }

  /** The day's rows of every tier, as sorted text per table. */
  private static Map<String, List<String>> tables(Lake lake) {
    Map<String, List<String>> out = new TreeMap<>();
    for (TableSpec table :
        List.of(
            PlatformTables.PLACE_EVENT,
            PlatformTables.PLACE_EVENT_QUARANTINE,
            PlatformTables.PLACE_EVENT_LATE,
            PlatformTables.PLACE_SNAPSHOT,
            PlatformTables.PLACE_EVENT_ENRICHED,
            PlatformTables.PLACE_ACTION_1H,
            PlatformTables.PLACE_IMPRESSION_1D,
            PlatformTables.PLACE_IMPRESSION_30D,
            PlatformTables.SELLER_PLACE_1D)) {
      List<String> rows = new ArrayList<>();
      for (Row r : lake.day(table, "20190608").collectAsList()) {
        rows.add(r.mkString("|"));
      }
      rows.sort(null);
      out.put(table.name().qualified(), rows);
    }
    return out;
  }
}
