package org.lambdaref.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.lambdaref.config.Console;
import org.lambdaref.config.DynamoDbSettings;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.localstack.LocalStack;
import org.lambdaref.localstack.LocalStackOptions;
import org.lambdaref.localstack.ServerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code bin/bench counters}: the cost of exactly-once in the speed layer's counter sink. The same
 * micro-batches of counter deltas go to DynamoDB Local three ways, alternating, each into a table
 * of its own: the platform's idempotent writes (a conditional {@code ADD} that a replayed batch
 * cannot apply twice) in transactions of 100 and one item at a time, against plain unconditional
 * {@code ADD}s (at-least-once: what a sink without the batch id would do). Then one batch is
 * replayed, as after a crash between the counter writes and Spark's commit, to show what each way
 * does with it.
 */
@Command(
    name = "counters",
    mixinStandardHelpOptions = true,
    description =
        "Exactly-once counter writes (conditional ADD by batch id) against plain ADDs on DynamoDB Local.")
final class CounterSinkBenchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOCAL_KEY = "lambdalocal";

  @Option(
      names = "--keys",
      defaultValue = "3000",
      description =
          "Counter keys per micro-batch (default ${DEFAULT-VALUE}: a 5 s batch at 20k events/s here).")
  int keys;

  @Option(
      names = "--batches",
      defaultValue = "5",
      description = "Measured batches per way and round (default ${DEFAULT-VALUE}).")
  int batches;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Rounds of A B C (default ${DEFAULT-VALUE}); figures are medians.")
  int runs;

  @Option(
      names = "--writers",
      defaultValue = "8",
      description =
          "Concurrent write calls, as platform.speed.counter-writers (default ${DEFAULT-VALUE}).")
  int writers;

  @Option(
      names = "--dir",
      defaultValue = "${sys:lambda.home:-.}/.lambda/bench/counters",
      description = "DynamoDB Local's files.")
  Path dir;

  @Option(
      names = "--result",
      defaultValue = "${sys:lambda.home:-.}/docs/benchmarks/results/counters.json",
      description = "The JSON result (default docs/benchmarks/results/counters.json).")
  Path result;

  /** One way of writing a micro-batch of deltas. */
  private interface Sink extends AutoCloseable {
    /**
     * @return how many deltas were applied
     */
    int write(List<CounterStore.Delta> deltas, long batchId);

    @Override
    void close();
  }

  @Override
  public Integer call() throws Exception {
    Console console = Console.stdout();
    Files.createDirectories(dir);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "counters");
    out.put("started_at", Instant.now().toString());
    out.put("machine", Machine.describe());
    out.put(
        "settings",
        Map.of(
            "keys_per_batch",
            keys,
            "batches",
            batches,
            "runs",
            runs,
            "writers",
            writers,
            "order",
            "transactions, single conditional, plain, ... (each round a fresh table per way)"));
    List<String> ways =
        List.of(
            "exactly-once, TransactWriteItems of 100",
            "exactly-once, one conditional UpdateItem each",
            "at-least-once, plain ADD (no condition)");
    Map<String, List<Double>> msPerBatch = new LinkedHashMap<>();
    Map<String, Object> replay = new LinkedHashMap<>();
    ways.forEach(w -> msPerBatch.put(w, new ArrayList<>()));
    try (LocalStack stack =
        LocalStack.start(
            LocalStackOptions.forTests(
                dir.resolve("stack-" + System.currentTimeMillis()), ServerKind.DYNAMODB))) {
      String endpoint = stack.dynamoDbEndpoint();
      for (int round = 1; round <= runs; round++) {
        for (int w = 0; w < ways.size(); w++) {
          String table = "bench_counters_" + round + "_" + w;
          try (Sink sink = sink(w, endpoint, table)) {
            List<CounterStore.Delta> deltas = deltas(keys, Instant.parse("2026-12-01T10:00:00Z"));
            sink.write(deltas, 0); // warm-up: the first calls open connections and create the items
            List<Double> times = new ArrayList<>();
            for (long b = 1; b <= batches; b++) {
              long t0 = System.nanoTime();
              sink.write(deltas, b);
              times.add((System.nanoTime() - t0) / 1e6);
            }
            double median = Stats.median(times);
            msPerBatch.get(ways.get(w)).add(median);
            if (round == runs) {
              long t0 = System.nanoTime();
              int applied =
                  sink.write(
                      deltas, batches); // the last batch again, as after a crash before the commit
              replay.put(
                  ways.get(w),
                  Map.of(
                      "ms",
                      Math.round((System.nanoTime() - t0) / 1e5) / 10.0,
                      "deltas_applied_again",
                      applied,
                      "keys_double_counted",
                      applied));
            }
            console.line(
                "round %d/%d %-48s %,.0f ms per batch of %,d keys (median of %d)",
                round, runs, ways.get(w), median, keys, batches);
          }
        }
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    double plain = Stats.median(msPerBatch.get(ways.get(2)));
    for (String w : ways) {
      double median = Stats.median(msPerBatch.get(w));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("way", w);
      row.put("ms_per_batch_median", Math.round(median * 10) / 10.0);
      row.put("ms_per_batch_by_round", msPerBatch.get(w));
      row.put("keys_per_second", Math.round(keys / (median / 1000)));
      row.put("time_over_plain", Stats.ratio(median, plain));
      row.put("replayed_batch", replay.get(w));
      rows.add(row);
    }
    out.put("ways", rows);
    out.put("load_average_at_end", Machine.loadAverage());
    Files.createDirectories(result.getParent());
    Files.writeString(result, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    rows.forEach(
        r ->
            console.line(
                "%-48s %8.1f ms/batch  %,8d keys/s  %.2f× plain  replay: %s",
                r.get("way"),
                r.get("ms_per_batch_median"),
                r.get("keys_per_second"),
                r.get("time_over_plain"),
                r.get("replayed_batch")));
    console.line("result: %s", result);
    return 0;
  }

  /**
   * {@code n} distinct keys of one hour: places × both actions, counts as a 5 s batch would carry.
   */
  static List<CounterStore.Delta> deltas(int n, Instant hour) {
    List<CounterStore.Delta> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          new CounterStore.Delta(
              "p-" + (i / 2), i % 2 == 0 ? "impression" : "click", hour, 1 + i % 7));
    }
    return out;
  }

  private Sink sink(int way, String endpoint, String table) {
    if (way < 2) {
      DynamoDbSettings settings =
          new DynamoDbSettings(
              endpoint,
              "us-east-1",
              table,
              LOCAL_KEY,
              LOCAL_KEY,
              Duration.ofMillis(100),
              Duration.ofSeconds(5),
              Duration.ofMinutes(2),
              way == 0 ? 100 : 1);
      DynamoDbCounterStore store = new DynamoDbCounterStore(settings, writers);
      store.createTableIfMissing();
      return new Sink() {
        @Override
        public int write(List<CounterStore.Delta> deltas, long batchId) {
          return store.add(deltas, "bench", batchId).applied();
        }

        @Override
        public void close() {
          store.close();
        }
      };
    }
    // the same table layout, created by the platform's own code, written without the condition
    DynamoDbSettings settings =
        new DynamoDbSettings(
            endpoint,
            "us-east-1",
            table,
            LOCAL_KEY,
            LOCAL_KEY,
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            Duration.ofMinutes(2),
            1);
    try (DynamoDbCounterStore creator = new DynamoDbCounterStore(settings, 1)) {
      creator.createTableIfMissing();
    }
    DynamoDbClient client =
        DynamoDbClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(endpoint))
            .httpClient(UrlConnectionHttpClient.builder().build())
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCAL_KEY, LOCAL_KEY)))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    return new Sink() {
      @Override
      public int write(List<CounterStore.Delta> deltas, long batchId) {
        List<Future<?>> pending = new ArrayList<>();
        int per = (deltas.size() + writers - 1) / writers;
        for (int start = 0; start < deltas.size(); start += per) {
          List<CounterStore.Delta> part =
              deltas.subList(start, Math.min(deltas.size(), start + per));
          pending.add(
              pool.submit(
                  () ->
                      part.forEach(
                          d ->
                              client.updateItem(
                                  u ->
                                      u.tableName(table)
                                          .key(
                                              Map.of(
                                                  "pk",
                                                  AttributeValue.fromS(d.placeId()),
                                                  "sk",
                                                  AttributeValue.fromS(
                                                      d.action() + "#" + d.hour())))
                                          .updateExpression("ADD cnt :d")
                                          .expressionAttributeValues(
                                              Map.of(
                                                  ":d",
                                                  AttributeValue.fromN(
                                                      Long.toString(d.count()))))))));
        }
        for (Future<?> f : pending) {
          try {
            f.get();
          } catch (Exception e) {
            throw new IllegalStateException("plain counter write failed", e);
          }
        }
        return deltas.size();
      }

      @Override
      public void close() {
        pool.shutdown();
        client.close();
      }
    };
  }
}
