package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.PlatformTables;

/**
 * The speed layer killed hard (its JVM, not a graceful stop) at the moments that matter, then
 * restarted from its checkpoint: afterwards every counter equals the number of distinct valid
 * events produced for it, and the hot table holds each event once.
 *
 * <p>The tests share the class's stack and checkpoint, and each ends with a clean catch-up: the
 * faults are placed at batch ids counted from the checkpoint's next batch, and the counters are
 * checked against everything sent so far, so they hold in any order.
 */
class SpeedCrashTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final SpeedStack speed =
      SpeedStack.named("speed_crash_test")
          // several micro-batches per catch-up, so that a crash can land in the middle of a run
          .with("platform.speed.max-offsets-per-trigger", "450")
          .with("platform.speed.restart-attempts", "0")
          // several transactions per batch, so that a crash can fall between two of them
          .with("platform.dynamodb.counter-batch-size", "10")
          // one writer: the halt after 20 counters leaves the rest of the batch unwritten
          .with("platform.speed.counter-writers", "1");

  private static Path root;
  private static Map<String, String> overrides;
  private static PlatformConfig config;
  private static DynamoDbCounterStore counters;
  private static final List<String> sent = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    root = speed.root();
    overrides = speed.overrides();
    config = speed.config();
    counters = speed.counters();
  }

  @Test
  void crashesAfterTheHotWriteBetweenCounterWritesAndBeforeTheCommitLoseAndDoubleNothing()
      throws Exception {
    // batch ids go on from the checkpoint; b0 is the first batch of this test's traffic
    long b0 = nextBatchId();
    List<String> traffic = SpeedFixture.mixedTraffic("c", 2_000, Instant.now(), 11);
    SpeedFixture.send(config, traffic);
    sent.addAll(traffic);
    Path log = root.resolve("speed-1.log");
    long started = System.nanoTime();

    assertThat(
            SpeedProcess.run(
                overrides, log, FaultInjection.HOT_WRITTEN + "@" + (b0 + 1), "--available-now"))
        .as("halted after the hot write of batch b0 + 1; see " + log)
        .isEqualTo(FaultInjection.HALT_STATUS);
    assertThat(
            SpeedProcess.run(
                overrides,
                log,
                FaultInjection.COUNTER_WRITE + "@" + (b0 + 2) + "#20",
                "--available-now"))
        .as("halted after 20 counter writes of batch b0 + 2")
        .isEqualTo(FaultInjection.HALT_STATUS);
    assertThat(
            SpeedProcess.run(
                overrides,
                log,
                FaultInjection.COUNTERS_WRITTEN + "@" + (b0 + 3),
                "--available-now"))
        .as("halted after all counter writes of batch b0 + 3, before Spark committed it")
        .isEqualTo(FaultInjection.HALT_STATUS);
    assertThat(SpeedProcess.run(overrides, log, null, "--available-now"))
        .as("clean catch-up; see " + log)
        .isZero();
    System.out.printf("four speed JVMs in %d s%n", (System.nanoTime() - started) / 1_000_000_000);
    Files.copy(
        log,
        Path.of(System.getProperty("java.io.tmpdir"), "speed-crash-1.log"),
        StandardCopyOption.REPLACE_EXISTING);

    assertExact();
    Map<Long, JsonNode> batches = batchesFromMetrics();
    assertThat(batches.get(b0 + 2).path("counters_already_applied").asInt())
        .as(
            "the retried batch b0 + 2 skipped the 20 keys (two transactions) written before the crash, and only those")
        .isEqualTo(20);
    assertThat(batches.get(b0 + 3).path("counters_already_applied").asInt())
        .as("the retried batch b0 + 3 skipped every key")
        .isEqualTo(batches.get(b0 + 3).path("counter_keys").asInt());
  }

  /** The id of the next micro-batch of the query's checkpoint: 0 for a new one. */
  private static long nextBatchId() throws Exception {
    String location = SpeedQuery.checkpointLocation(config);
    Path checkpoint =
        location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    Path commits = checkpoint.resolve("commits");
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(commits)) {
      return files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.matches("\\d+"))
              .mapToLong(Long::parseLong)
              .max()
              .orElse(-1)
          + 1;
    }
  }

  @Test
  void killedAtRandomMomentsWhileRunningItStillCountsExactly() throws Exception {
    // -Preliability (which .ci/run enables) raises the rounds; the seed makes a failing run
    // replayable
    int rounds = Integer.getInteger("lambda.reliability.kill-rounds", 2);
    long seed = Long.getLong("lambda.reliability.seed", 7);
    SplittableRandom random = new SplittableRandom(seed);
    Path log = root.resolve("speed-2.log");
    long started = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      long batchesBefore = batchesFromMetrics().size();
      Process speed =
          startAndAwaitABatch(
              log, SpeedFixture.mixedTraffic("k" + round, 1_500, Instant.now(), 20 + round));
      long killAfterMs = random.nextLong(2_500);
      Thread.sleep(killAfterMs);
      speed.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL
      System.out.printf(
          "kill round %d/%d (seed %d): SIGKILL %d ms after batch %d finished%n",
          round + 1, rounds, seed, killAfterMs, batchesBefore);
    }
    // the rounds leave a backlog; catch up in one batch instead of 450-row steps
    Map<String, String> catchUp = new LinkedHashMap<>(overrides);
    catchUp.put("platform.speed.max-offsets-per-trigger", "0");
    assertThat(SpeedProcess.run(catchUp, log, null, "--available-now"))
        .as("clean catch-up; see " + log)
        .isZero();
    System.out.printf(
        "%d kill rounds and the catch-up in %d s; %d lines sent in all%n",
        rounds, (System.nanoTime() - started) / 1_000_000_000, sent.size());

    assertExact();
  }

  @Test
  void aSigtermStopsTheRunningSpeedLayerPromptlyWithoutRestartingTheQuery() throws Exception {
    Path log = root.resolve("speed-3.log");
    Process speed =
        startAndAwaitABatch(log, SpeedFixture.mixedTraffic("t", 1_000, Instant.now(), 31));
    assertThat(speed.isAlive()).as("running; see " + log).isTrue();
    speed.destroy(); // SIGTERM, as a scheduler or 'kill' sends it
    assertThat(speed.waitFor(60, TimeUnit.SECONDS))
        .as("it exits instead of hanging in its shutdown; see " + log)
        .isTrue();
    assertThat(Files.readString(log))
        .as("the stop is not taken for a failure to recover from")
        .doesNotContain("restarting from its checkpoint");

    assertThat(SpeedProcess.run(overrides, log, null, "--available-now"))
        .as("a later start resumes; see " + log)
        .isZero();
    assertExact();
  }

  /**
   * Starts a speed JVM, sends {@code traffic} while it runs, and returns once it has finished a new
   * batch (or died).
   */
  private static Process startAndAwaitABatch(Path log, List<String> traffic) throws Exception {
    Process speed = SpeedProcess.start(overrides, log, null);
    SpeedFixture.send(config, traffic);
    sent.addAll(traffic);
    long batchesBefore = batchesFromMetrics().size();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (batchesFromMetrics().size() <= batchesBefore
        && System.nanoTime() < deadline
        && speed.isAlive()) {
      Thread.sleep(200);
    }
    return speed;
  }

  private static void assertExact() {
    Map<String, Long> expected = SpeedFixture.truth(config, sent);
    assertThat(SpeedFixture.asMap(counters.scanAll()))
        .as("every counter exact after the crashes")
        .isEqualTo(expected);
    SparkSession spark = SparkSessions.getOrCreate(config, "SpeedCrashTest");
    Row hot =
        spark
            .read()
            .format("delta")
            .load(config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT.name()))
            .selectExpr("count(*)", "count(distinct event_id)")
            .first();
    long valid = expected.values().stream().mapToLong(Long::longValue).sum();
    assertThat(hot.getLong(0)).as("hot rows: each valid event once").isEqualTo(valid);
    assertThat(hot.getLong(1)).isEqualTo(valid);
    long quarantined =
        spark
            .read()
            .format("delta")
            .load(config.storage().tableLocation(PlatformTables.HOT_PLACE_EVENT_QUARANTINE.name()))
            .count();
    assertThat(quarantined)
        .as("each bad record quarantined once")
        .isEqualTo(sent.stream().filter(l -> l.length() == 30 || l.contains("purchase")).count());
  }

  /**
   * The last metrics line of each batch id (a retried batch writes a line per attempt that
   * finished).
   */
  private static Map<Long, JsonNode> batchesFromMetrics() throws Exception {
    Map<Long, JsonNode> out = new LinkedHashMap<>();
    Path file = config.speed().metricsFile();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        JsonNode node = JSON.readTree(line);
        if (node.path("input_rows").asLong() > 0) {
          out.put(node.path("batch_id").asLong(), node);
        }
      }
    }
    return out;
  }
}
