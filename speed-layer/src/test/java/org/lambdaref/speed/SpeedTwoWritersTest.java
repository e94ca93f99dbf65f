package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Two speed writers on one counters table, each in a JVM of its own, as a second deployment or a
 * replay started while the first still runs would be: the second is refused naming the first; and a
 * first writer frozen (SIGSTOP, as a long GC pause or a suspended VM) in the middle of its counter
 * writes, taken over by a replay once its lease expired, and then thawed, cannot add a single
 * count. The truth is the test's own count of what it sent.
 *
 * <p>The tests share the class's stack and checkpoint; each sends traffic of its own, ends with no
 * speed JVM running and checks the counters against everything sent so far, so they hold in any
 * order.
 */
class SpeedTwoWritersTest {

  @RegisterExtension
  static final SpeedStack speed =
      SpeedStack.named("two_writers_test")
          .with("platform.speed.restart-attempts", "0")
          // many small transactions per batch, one at a time: a pause lands between two of them
          .with("platform.dynamodb.counter-batch-size", "10")
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
  void aSecondSpeedWriterIsRefusedAtStartNamingTheFirst() throws Exception {
    List<String> traffic = SpeedFixture.mixedTraffic("a", 600, Instant.now(), 41);
    SpeedFixture.send(config, traffic);
    sent.addAll(traffic);
    Path firstLog = root.resolve("first.log");
    Process first = SpeedProcess.start(overrides, firstLog, null);
    try {
      awaitLine(firstLog, "took the writer lease", first);
      Map<String, String> second = new LinkedHashMap<>(overrides);
      second.put("platform.speed.query-name", "second_deployment");
      Path secondLog = root.resolve("second.log");
      long started = System.nanoTime();
      assertThat(SpeedProcess.run(second, secondLog, null, "--available-now"))
          .as("refused; see " + secondLog)
          .isNotZero();
      assertThat((System.nanoTime() - started) / 1_000_000_000)
          .as("refused once the first renewed, not after minutes")
          .isLessThan(90);
      assertThat(Files.readString(secondLog))
          .as(tail(secondLog))
          .contains("Another speed writer holds two_writers_test")
          .contains("pid " + first.pid());
    } finally {
      first.destroy(); // SIGTERM: it releases its lease
      first.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(SpeedProcess.run(overrides, root.resolve("catch-up-1.log"), null, "--available-now"))
        .isZero();
    assertExact();
  }

  @Test
  void aFrozenWriterTakenOverByAReplayCannotWriteAfterItThaws() throws Exception {
    // before every hour the traffic has (late events reach 31 hours back): the replay recounts them
    // all
    Instant replayFrom = Instant.now().minus(48, ChronoUnit.HOURS);
    List<String> traffic = SpeedFixture.mixedTraffic("f", 1_000, Instant.now(), 43);
    SpeedFixture.send(config, traffic);
    sent.addAll(traffic);
    Path frozenLog = root.resolve("frozen.log");
    // the counter writer of its first batch stops for 40 s after 10 counter writes; the test
    // freezes the whole JVM meanwhile, lease renewer included, so that its lease expires while it
    // is in the middle of the batch
    Process frozen =
        SpeedProcess.startWithFaults(
            overrides,
            frozenLog,
            Map.of(FaultInjection.PAUSE_PROPERTY, FaultInjection.COUNTER_WRITE + "@*#10:40000"));
    try {
      awaitLine(frozenLog, "FAULT INJECTED: pausing", frozen);
      new ProcessBuilder("kill", "-STOP", Long.toString(frozen.pid())).start().waitFor();

      // a replay from before all traffic, as an operator starts to recount after an incident
      Map<String, String> replay = new LinkedHashMap<>(overrides);
      replay.put("platform.speed.starting-offsets", replayFrom.toString());
      Path replayLog = root.resolve("replay.log");
      assertThat(SpeedProcess.run(replay, replayLog, null, "--available-now"))
          .as("the replay takes the expired lease over and recounts; see " + replayLog)
          .isZero();
      assertExact();

      new ProcessBuilder("kill", "-CONT", Long.toString(frozen.pid())).start().waitFor();
      assertThat(frozen.waitFor(120, TimeUnit.SECONDS))
          .as("the thawed writer stops; see " + frozenLog)
          .isTrue();
      assertThat(frozen.exitValue()).isNotZero();
      assertThat(Files.readString(frozenLog))
          .containsAnyOf("no longer holds the writer lease", "lost the writer lease");
    } finally {
      if (frozen.isAlive()) {
        new ProcessBuilder("kill", "-CONT", Long.toString(frozen.pid())).start().waitFor();
        frozen.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    assertExact();
  }

  private static void awaitLine(Path log, String text, Process p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            "the speed JVM exited (" + p.exitValue() + ") before '" + text + "':\n" + tail(log));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + text + "' in " + log + " within 180 s:\n" + tail(log));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static void assertExact() {
    Map<String, Long> expected = SpeedFixture.truth(config, sent);
    assertThat(SpeedFixture.asMap(counters.scanAll()))
        .as("every counter exact")
        .isEqualTo(expected);
    SparkSession spark = SparkSessions.getOrCreate(config, "SpeedTwoWritersTest");
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
  }
}
