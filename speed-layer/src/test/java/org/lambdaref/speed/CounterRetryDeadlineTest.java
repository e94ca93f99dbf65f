package org.lambdaref.speed;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.DynamoDbSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.FaultProxy;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import org.lambdaref.model.PlatformException;

/**
 * Counter writes against DynamoDB Local through a proxy that answers some requests itself the way
 * DynamoDB does when it throttles: a transaction cancelled with {@code ThrottlingError} for every
 * item, or a plain {@code ThrottlingException}. Every retry path stops at {@code
 * platform.dynamodb.retry-deadline} and fails the batch with a message that names the setting; a
 * short burst of cancellations is retried through and counts exactly.
 */
class CounterRetryDeadlineTest {

  private static final Duration DEADLINE = Duration.ofSeconds(3);

  /**
   * How long after the deadline a write may still take to fail: the backoff and the SDK's own
   * retries.
   */
  private static final Duration SLACK = Duration.ofSeconds(5);

  @TempDir static Path root;
  private static LocalStack stack;
  private static FaultProxy proxy;
  private static DynamoDbCounterStore direct;
  private static DynamoDbCounterStore proxied;
  private static DynamoDbSettings settings;

  @BeforeAll
  static void setUp() {
    stack =
        LocalStack.start(LocalStackOptions.forTests(root.resolve("stack"), ServerKind.DYNAMODB));
    PlatformConfig config =
        SpeedFixture.config(SpeedFixture.overrides(stack, root, "retry_deadline_test"), root);
    DynamoDbSettings s = config.dynamodb();
    settings = s;
    direct = new DynamoDbCounterStore(s, 1);
    direct.createTableIfMissing();
    URI upstream = URI.create(stack.dynamoDbEndpoint());
    proxy = FaultProxy.start(upstream.getHost(), upstream.getPort());
    proxied =
        new DynamoDbCounterStore(
            new DynamoDbSettings(
                proxy.httpEndpoint(),
                s.region(),
                s.countersTable(),
                s.accessKey(),
                s.secretKey(),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                DEADLINE,
                10),
            4);
  }

  @AfterAll
  static void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {proxied, direct, proxy, stack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing anyway
      }
    }
  }

  @AfterEach
  void disarm() {
    proxy.respondNextRequests(0, "");
    proxy.dropNextResponses(0);
  }

  @Test
  void answersLostAfterDynamoDbAppliedTheWritesAreRetriedWithoutCountingTwice() throws Exception {
    for (int batchSize : new int[] {10, 1}) { // transactions, then single conditional updates
      DynamoDbSettings s = settings;
      try (DynamoDbCounterStore store =
          new DynamoDbCounterStore(
              new DynamoDbSettings(
                  proxy.httpEndpoint(),
                  s.region(),
                  s.countersTable(),
                  s.accessKey(),
                  s.secretKey(),
                  Duration.ofMillis(100),
                  Duration.ofMillis(500),
                  DEADLINE,
                  batchSize),
              1)) {
        String prefix = "dropped" + batchSize;
        List<CounterStore.Delta> deltas = deltas(prefix, 25);
        long droppedBefore = proxy.droppedResponses();
        proxy.dropNextResponses(3);
        CounterStore.AddResult result = store.add(deltas, "q-drop-" + batchSize, 4);
        assertThat(proxy.droppedResponses() - droppedBefore)
            .as("three answers lost after the write was applied")
            .isEqualTo(3);
        assertThat(result.applied() + result.alreadyApplied()).isEqualTo(25);
        Map<String, Long> expected = new TreeMap<>();
        deltas.forEach(
            d -> expected.put(SpeedFixture.key(d.placeId(), d.action(), d.hour()), d.count()));
        Map<String, Long> actual = new TreeMap<>(SpeedFixture.asMap(direct.scanAll()));
        actual.keySet().removeIf(k -> !k.startsWith(prefix + "-"));
        assertThat(actual)
            .as("batch size %d: each delta once, read straight from DynamoDB Local", batchSize)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aTransactionCancelledForThrottlingUntilTheDeadlineFailsTheBatchInsteadOfHanging()
      throws Exception {
    proxy.respondNextRequests(Integer.MAX_VALUE, cancelledForThrottling(10));
    long respondedBefore = proxy.respondedRequests();

    Outcome outcome = addWithin(deltas("hang", 25), 7, DEADLINE.plus(SLACK));

    assertThat(outcome.failure())
        .as("add(...) failed (after %d ms)", outcome.ms())
        .isInstanceOf(PlatformException.class);
    PlatformException e = (PlatformException) outcome.failure();
    String text = e.getMessage() + " | " + e.problem() + " | " + e.why() + " | " + e.fix();
    assertThat(text)
        .contains(
            "batch 7", "platform.dynamodb.retry-deadline", "ThrottlingError", "times in a row");
    assertThat(e.fix()).contains("raise platform.dynamodb.retry-deadline").contains("throttling");
    assertThat(outcome.ms())
        .as("it retried up to the deadline before giving up")
        .isGreaterThanOrEqualTo(DEADLINE.toMillis() / 2);
    assertThat(proxy.respondedRequests() - respondedBefore)
        .as("transactions sent and cancelled")
        .isGreaterThan(3);
    assertThat(direct.scanAll())
        .as("nothing written")
        .noneMatch(c -> c.placeId().startsWith("hang"));
  }

  @Test
  void twoCancelledTransactionsAreRetriedAndTheCountsAreExact() throws Exception {
    List<CounterStore.Delta> deltas = deltas("burst", 25);
    proxy.respondNextRequests(2, cancelledForThrottling(10));
    long respondedBefore = proxy.respondedRequests();

    Outcome outcome = addWithin(deltas, 8, DEADLINE.plus(SLACK));

    assertThat(outcome.failure()).as("add(...) succeeded").isNull();
    assertThat(proxy.respondedRequests() - respondedBefore)
        .as("two transactions were cancelled")
        .isEqualTo(2);
    assertThat(outcome.result().applied()).isEqualTo(25);
    Map<String, Long> expected = new TreeMap<>();
    deltas.forEach(
        d -> expected.put(SpeedFixture.key(d.placeId(), d.action(), d.hour()), d.count()));
    Map<String, Long> actual = new TreeMap<>(SpeedFixture.asMap(direct.scanAll()));
    actual.keySet().removeIf(k -> !k.startsWith("burst"));
    assertThat(actual).as("read straight from DynamoDB Local").isEqualTo(expected);

    // the same batch again: every key already has it (ConditionalCheckFailed), nothing changes
    CounterStore.AddResult again = proxied.add(deltas, "q-test", 8);
    assertThat(again.applied()).isZero();
    assertThat(again.alreadyApplied()).isEqualTo(25);
    Map<String, Long> after = new TreeMap<>(SpeedFixture.asMap(direct.scanAll()));
    after.keySet().removeIf(k -> !k.startsWith("burst"));
    assertThat(after).isEqualTo(expected);
  }

  @Test
  void aSingleUpdateThrottledUntilTheDeadlineFailsTheBatchToo() throws Exception {
    proxy.respondNextRequests(
        Integer.MAX_VALUE,
        FaultProxy.httpResponse(
            400,
            "Bad Request",
            Map.of(
                "Content-Type",
                "application/x-amz-json-1.0",
                "x-amzn-ErrorType",
                "ThrottlingException",
                "x-amzn-RequestId",
                "fault-proxy"),
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\",\"message\":\"Rate of requests exceeds the allowed throughput.\"}"));

    Outcome outcome = addWithin(deltas("single", 1), 9, DEADLINE.plus(SLACK));

    assertThat(outcome.failure())
        .as("add(...) failed (after %d ms)", outcome.ms())
        .isInstanceOf(PlatformException.class);
    PlatformException e = (PlatformException) outcome.failure();
    assertThat(e.problem()).contains("batch 9", "platform.dynamodb.retry-deadline");
    assertThat(e.fix()).contains("raise platform.dynamodb.retry-deadline");
  }

  private record Outcome(CounterStore.AddResult result, Throwable failure, long ms) {}

  /**
   * add(...) in a thread of its own: a write that ignores the deadline fails the test instead of
   * hanging it.
   */
  private static Outcome addWithin(List<CounterStore.Delta> deltas, long batchId, Duration limit)
      throws Exception {
    AtomicReference<CounterStore.AddResult> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.set(proxied.add(deltas, "q-test", batchId));
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "counter-add");
    t.setDaemon(true);
    long started = System.nanoTime();
    t.start();
    t.join(limit.toMillis());
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (t.isAlive()) {
      proxy.respondNextRequests(0, "");
      t.interrupt();
      throw new AssertionError(
          "add(...) was still retrying after " + limit + " with a retry deadline of " + DEADLINE);
    }
    System.out.printf(
        "add(%d deltas) of batch %d ended after %d ms: %s%n",
        deltas.size(), batchId, ms, failure.get() == null ? "ok" : failure.get().getMessage());
    return new Outcome(result.get(), failure.get(), ms);
  }

  private static List<CounterStore.Delta> deltas(String prefix, int n) {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    List<CounterStore.Delta> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new CounterStore.Delta(
              prefix + "-" + i, i % 2 == 0 ? "click" : "impression", hour, i + 1));
    }
    return out;
  }

  /** DynamoDB's answer to a TransactWriteItems of up to {@code items} items that it throttled. */
  static String cancelledForThrottling(int items) {
    String reasons =
        String.join(
            ",",
            Collections.nCopies(
                items,
                "{\"Code\":\"ThrottlingError\",\"Message\":\"Throughput exceeds the current capacity of your table or index.\"}"));
    String body =
        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
            + "\"message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons ["
            + String.join(", ", Collections.nCopies(items, "ThrottlingError"))
            + "]\","
            + "\"CancellationReasons\":["
            + reasons
            + "]}";
    return FaultProxy.httpResponse(
        400,
        "Bad Request",
        Map.of(
            "Content-Type",
            "application/x-amz-json-1.0",
            "x-amzn-ErrorType",
            "TransactionCanceledException",
            "x-amzn-RequestId",
            "fault-proxy"),
        body);
  }
}
