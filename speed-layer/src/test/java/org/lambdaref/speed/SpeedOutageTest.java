package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;

/**
 * A running speed query while its dependencies go away: DynamoDB stopped for longer than the write
 * retry deadline (micro-batches fail, the query restarts from its checkpoint), then the Kafka
 * broker restarted. Counters end exact.
 *
 * <p>The query runs for the whole class (started in the setup); each test sends traffic of its own
 * around its outage, brings the server back and waits for the counters to equal everything sent so
 * far, so the tests hold in any order.
 */
class SpeedOutageTest {

  @TempDir static Path root;
  private static LocalStack stack;
  private static PlatformConfig config;
  private static SparkSession spark;
  private static DynamoDbCounterStore queryCounters;
  private static ExecutorService runner;
  private static Future<SpeedRunner.Summary> running;
  private static final List<String> sent = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                root.resolve("stack"), ServerKind.KAFKA, ServerKind.DYNAMODB));
    Map<String, String> overrides =
        new LinkedHashMap<>(SpeedFixture.overrides(stack, root, "speed_outage_test"));
    overrides.put("platform.dynamodb.retry-initial-backoff", "100ms");
    overrides.put("platform.dynamodb.retry-max-backoff", "1s");
    overrides.put("platform.dynamodb.retry-deadline", "4s");
    overrides.put("platform.speed.restart-attempts", "50");
    config = SpeedFixture.config(overrides, root);
    SpeedFixture.createTopic(stack.kafkaBootstrapServers(), config.kafka().topic(), 3);
    queryCounters = new DynamoDbCounterStore(config.dynamodb(), 4);
    queryCounters.createTableIfMissing();
    spark = SparkSessions.getOrCreate(config, "SpeedOutageTest");
    runner = Executors.newSingleThreadExecutor();
    running =
        runner.submit(
            () -> SpeedRunner.run(spark, config, queryCounters, Duration.ofMinutes(10), null));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (runner != null) {
      runner.shutdownNow();
      runner.awaitTermination(60, TimeUnit.SECONDS);
    }
    if (queryCounters != null) {
      queryCounters.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void dynamoDbDownLongerThanTheRetryDeadlineThenBackCountsExactly() throws Exception {
    send(SpeedFixture.mixedTraffic("d1", 800, Instant.now(), 31));
    awaitExact(Duration.ofSeconds(120));

    stack.stop(ServerKind.DYNAMODB);
    send(SpeedFixture.mixedTraffic("d2", 800, Instant.now(), 32));
    Thread.sleep(12_000); // batches fail after the 4 s deadline; the runner restarts the query
    stack.restart(ServerKind.DYNAMODB);
    send(SpeedFixture.mixedTraffic("d3", 800, Instant.now(), 33));

    awaitExact(Duration.ofSeconds(180));
    assertThat(running.isDone()).as("the runner is still running after the outage").isFalse();
  }

  @Test
  void aKafkaBrokerRestartLosesAndDoublesNothing() throws Exception {
    send(SpeedFixture.mixedTraffic("k1", 800, Instant.now(), 41));
    stack.restart(ServerKind.KAFKA);
    send(SpeedFixture.mixedTraffic("k2", 800, Instant.now(), 42));

    awaitExact(Duration.ofSeconds(180));
    assertThat(running.isDone())
        .as("the runner is still running after the broker restart")
        .isFalse();
  }

  private static void send(List<String> lines) {
    SpeedFixture.send(config, lines);
    sent.addAll(lines);
  }

  /** Polls until the counters equal the truth; on timeout, fails showing the difference. */
  private static void awaitExact(Duration timeout) throws InterruptedException {
    Map<String, Long> expected = SpeedFixture.truth(config, sent);
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> actual = Map.of();
    try (DynamoDbCounterStore reader = new DynamoDbCounterStore(config.dynamodb(), 1)) {
      while (System.nanoTime() < deadline) {
        if (running.isDone()) {
          break;
        }
        try {
          actual = SpeedFixture.asMap(reader.scanAll());
        } catch (RuntimeException e) {
          // DynamoDB still coming back
        }
        if (actual.equals(expected)) {
          return;
        }
        Thread.sleep(500);
      }
    }
    assertThat(actual).as("counters (runner done: %s)", running.isDone()).isEqualTo(expected);
  }
}
