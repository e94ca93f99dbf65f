package org.lambdaref.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.generator.EventGenerator;
import org.lambdaref.model.generator.GeneratorSpec;

/**
 * Two batch applications on one lake at {@code s3a://} on the local S3 server, each in a JVM of its
 * own, as an overlapping backfill or a recovery started beside a running one would be: the second
 * is refused at start, naming the first, and commits nothing; once the first has ended the same
 * command runs.
 */
class BatchWriterLeaseTest {

  private static final LocalDate DAY = LocalDate.of(2019, 6, 8);
  private static final String ENV = "local-s3";

  @TempDir Path root;

  @Test
  void aSecondBatchApplicationOnTheSameLakeIsRefusedNamingTheFirst() throws Exception {
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                root.resolve("stack"), ServerKind.DYNAMODB, ServerKind.S3))) {
      Files.createDirectories(
          stack
              .s3DataDir()
              .resolve(
                  "lease-lake")); // the filesystem backend: a folder is a bucket; its own name,
      // since Hadoop caches a file system per bucket in this JVM (another test class may have used
      // "lake")
      Map<String, String> overrides = new LinkedHashMap<>(stack.configOverrides());
      overrides.put("platform.storage.root", "s3a://lease-lake/lease");
      overrides.put("platform.work-dir", root.resolve("work").toString());
      overrides.put("platform.dynamodb.counters-table", "batch_lease_test");
      overrides.put("platform.batch.writer-lease-ttl", "4s");
      PlatformConfig config = ConfigLoader.load(ENV, overrides, Map.of(), root);
      try (DynamoDbCounterStore store = new DynamoDbCounterStore(config.dynamodb(), 1)) {
        store.createTableIfMissing();
      }
      RawFixtures.writeRaw(
          config,
          EventGenerator.generate(
              new GeneratorSpec(
                  DAY,
                  4,
                  2000,
                  30,
                  200,
                  0.05,
                  0.02,
                  0.02,
                  ZoneOffset.UTC,
                  Duration.ofHours(6),
                  5)));

      Path firstLog = root.resolve("first.log");
      Process first = start(overrides, firstLog, "4");
      try {
        awaitLine(firstLog, "holding the writer lease of the lake", first);
        Path secondLog = root.resolve("second.log");
        Process second = start(overrides, secondLog, "1");
        assertThat(second.waitFor(3, TimeUnit.MINUTES)).as("the second application ended").isTrue();
        String out = Files.readString(secondLog);
        assertThat(second.exitValue()).as(out).isNotZero();
        assertThat(out).contains("Another batch writer holds").contains("pid " + first.pid());
        assertThat(out).as("it ran nothing").doesNotContain("succeeded");
        assertThat(first.waitFor(5, TimeUnit.MINUTES)).as("the first application ended").isTrue();
        assertThat(first.exitValue()).as(Files.readString(firstLog)).isZero();
      } finally {
        first.destroyForcibly();
      }
      Lake lakeTables = new Lake(SparkSessions.getOrCreate(config, "BatchWriterLeaseTest"), config);
      assertThat(lakeTables.location(PlatformTables.BATCH_LEDGER))
          .startsWith("s3a://lease-lake/lease/");
      assertThat(
              lakeTables
                  .read(PlatformTables.BATCH_LEDGER)
                  .filter("job = 'collect_place_event'")
                  .count())
          .as("one collect per day, all from the first application")
          .isEqualTo(4);

      Path againLog = root.resolve("again.log");
      Process again = start(overrides, againLog, "1");
      assertThat(again.waitFor(3, TimeUnit.MINUTES)).isTrue();
      assertThat(again.exitValue())
          .as("after the first ended, the lease is free: " + Files.readString(againLog))
          .isZero();
    }
  }

  private Process start(Map<String, String> overrides, Path log, String days) throws Exception {
    List<String> command =
        new ArrayList<>(SparkJvm.command(SparkJvm.testClasspath(), BatchMain.class.getName()));
    command.addAll(List.of("--env", ENV));
    overrides.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
    command.addAll(
        List.of("--job", "collect", "--start-date", DAY.toString(), "--iteration-count", days));
    File out = log.toFile();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
  }

  private static void awaitLine(Path log, String text, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            "the batch JVM exited before '" + text + "': " + Files.readString(log));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + text + "' in " + log);
  }
}
