package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.localstack.SparkJvm;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.TableSpec;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratorSpec;

/**
 * The batch process killed in the middle of a Delta write (its data files on disk, not committed),
 * then rerun: readers never see a partial day, and the rerun leaves the tables as a clean run did.
 */
class BatchCrashTest {

  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);

  @TempDir Path root;

  @Test
  void aRunKilledDuringItsDeltaWriteLeavesThePreviousDayWholeAndTheRerunEqualsACleanRun()
      throws Exception {
    // the batch application takes its writer lease in the counters table: DynamoDB Local holds it
    LocalStack stack =
        LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.DYNAMODB));
    try {
      run(stack);
    } finally {
      stack.close();
    }
  }

  private void run(LocalStack stack) throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
    overrides.put("platform.storage.root", root.toString());
    overrides.put("platform.dynamodb.counters-table", "batch_crash_test");
    overrides.put("platform.batch.writer-lease-ttl", "3s");
    PlatformConfig config = ConfigLoader.load("local", overrides, Map.of(), root);
    try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
      store.createTableIfMissing();
    }
    SparkSession spark = SparkSessions.getOrCreate(config, "BatchCrashTest");
    RawFixtures.writeRaw(
        root,
        EventGenerator.generate(
            new GeneratorSpec(
                DAY, 1, 3000, 30, 200, 0.05, 0.02, 0.02, ZoneOffset.UTC, Duration.ofHours(6), 21)));
    Lake lake = new Lake(spark, config);
    new CollectJob(spark, config, "place_event").run(DAY);
    List<String> clean = dayRows(lake);
    long versionBefore = version(lake);
    assertThat(clean).as("the clean run wrote events").hasSizeGreaterThan(3000);

    String eventsDir = Path.of(URI.create(lake.location(PlatformTables.PLACE_EVENT))).toString();
    long since = System.currentTimeMillis();
    List<String> command =
        new ArrayList<>(
            SparkJvm.command(
                SparkJvm.testClasspath(),
                BatchMain.class.getName(),
                "-D" + HaltDuringDeltaWrite.TABLE_DIR + "=" + eventsDir,
                "-D" + HaltDuringDeltaWrite.SINCE + "=" + since));
    overrides.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
    command.addAll(
        List.of(
            "--conf",
            "platform.spark.conf.\"spark.plugins\"=" + HaltDuringDeltaWrite.class.getName(),
            "--job",
            "collect",
            "--start-date",
            DAY.toString(),
            "--iteration-count",
            "1"));
    File log = root.resolve("killed-run.log").toFile();
    Process killed =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    assertThat(killed.waitFor(3, TimeUnit.MINUTES)).as("the rerun ended").isTrue();
    assertThat(killed.exitValue())
        .as("halted by the fault, see " + log)
        .isEqualTo(HaltDuringDeltaWrite.HALT_STATUS);
    assertThat(HaltDuringDeltaWrite.newDataFileIn(Path.of(eventsDir), since))
        .as("the killed run had written data files")
        .isTrue();

    assertThat(version(lake)).as("nothing was committed").isEqualTo(versionBefore);
    assertThat(dayRows(lake))
        .as("readers still see the previous run's day, whole")
        .isEqualTo(clean);

    new CollectJob(spark, config, "place_event").run(DAY);
    assertThat(dayRows(lake)).as("the rerun gives the clean run's tables").isEqualTo(clean);
    assertThat(lake.read(PlatformTables.BATCH_LEDGER).filter("status = 'succeeded'").count())
        .as("two succeeded runs in the ledger; the killed one never claimed success")
        .isEqualTo(2);
  }

  /** The day's rows of the three t1 tables, as sorted text. */
  private static List<String> dayRows(Lake lake) {
    List<String> rows = new ArrayList<>();
    for (TableSpec table :
        List.of(
            PlatformTables.PLACE_EVENT,
            PlatformTables.PLACE_EVENT_QUARANTINE,
            PlatformTables.PLACE_EVENT_LATE)) {
      for (Row r : lake.day(table, Partitions.day(DAY)).collectAsList()) {
        rows.add(table.name() + " " + r.mkString("|"));
      }
    }
    rows.sort(null);
    return rows;
  }

  private static long version(Lake lake) {
    return DeltaTable.forPath(lake.spark(), lake.location(PlatformTables.PLACE_EVENT))
        .history(1)
        .select("version")
        .first()
        .getLong(0);
  }
}
