package org.lambdaref.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.ValidationResult;
import org.lambdaref.speed.HotRecordClassifier;
import org.lambdaref.speed.SpeedRunner;

/**
 * The demo's speed-layer part: the streaming query runs while live events are produced, and the
 * counters are checked against what was sent.
 */
final class SpeedDemo {

  /** What the demo saw. */
  record Result(
      ProduceCommand.Summary produced,
      long expectedCounted,
      long counted,
      Duration freshness,
      String topPlace,
      List<CounterStore.Counter> topPlaceCounters) {}

  private SpeedDemo() {}

  static Result run(PlatformConfig config, int events, int rate) {
    try {
      return runChecked(config, events, rate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Result runChecked(PlatformConfig config, int events, int rate) throws Exception {
    SparkSession spark = SparkSessions.getOrCreate(config, "LambdaDemo");
    ExecutorService runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "speed-layer");
              t.setDaemon(true);
              return t;
            });
    try (DynamoDbCounterStore counters =
        new DynamoDbCounterStore(config.dynamodb(), config.speed().counterWriters())) {
      long before = total(counters.scanAll());
      Future<SpeedRunner.Summary> running =
          runner.submit(
              () -> SpeedRunner.run(spark, config, counters, Duration.ofMinutes(10), null));
      awaitFirstBatch(spark, running);
      EventValidator validator = new EventValidator(config.eventSource().validationRules());
      Set<String> ids = new HashSet<>();
      Map<String, Long> perPlace = new TreeMap<>();
      ProduceCommand.Summary produced =
          ProduceCommand.run(
              config,
              rate,
              events,
              1000,
              System.currentTimeMillis(),
              line -> {
                if (validator.validate(line.line()) instanceof ValidationResult.Valid v
                    && ids.add(v.event().eventId())) {
                  perPlace.merge(v.event().placeId(), 1L, Long::sum);
                }
              });
      Instant sentAt = Instant.now();
      long expected = ids.size();
      long counted = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline && !running.isDone()) {
        counted = total(counters.scanAll()) - before;
        if (counted >= expected) {
          break;
        }
        Thread.sleep(250);
      }
      Duration freshness = Duration.between(sentAt, Instant.now());
      // stopped between micro-batches, not interrupted in one: the runner then returns by itself
      for (StreamingQuery q : spark.streams().active()) {
        SpeedRunner.stopBetweenBatches(q);
      }
      running.get(60, TimeUnit.SECONDS);
      String top =
          perPlace.entrySet().stream()
              .max(Map.Entry.comparingByValue())
              .map(Map.Entry::getKey)
              .orElse("p-0");
      Instant hour = HotRecordClassifier.hourBucket(Instant.now(), config.timezone());
      List<CounterStore.Counter> topCounters =
          counters.read(top, hour.minus(Duration.ofHours(6)), hour.plus(Duration.ofHours(1)));
      return new Result(produced, expected, counted, freshness, top, topCounters);
    } finally {
      runner.shutdownNow();
      runner.awaitTermination(60, TimeUnit.SECONDS);
    }
  }

  private static void awaitFirstBatch(SparkSession spark, Future<?> running) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (running.isDone()) {
        running.get(); // surfaces the failure
        return;
      }
      for (var q : spark.streams().active()) {
        if (q.lastProgress() != null) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the speed query did not start within 2 minutes");
  }

  private static long total(List<CounterStore.Counter> counters) {
    return counters.stream().mapToLong(CounterStore.Counter::count).sum();
  }

  static void print(Result r, PlatformConfig config, Console console) {
    console.line("");
    console.line(
        "Speed layer: %d events sent as %s in %.1f s",
        r.produced().events(), r.produced().lines(), r.produced().seconds());
    console.line(
        "  counted in DynamoDB: %d of %d distinct valid events%s; the last was readable %.1f s after the last send",
        r.counted(),
        r.expectedCounted(),
        r.counted() == r.expectedCounted() ? " (exact)" : " (MISMATCH)",
        r.freshness().toMillis() / 1000.0);
    console.line(
        "  counters of the busiest place, %s (bin/lambda counters --place %s):",
        r.topPlace(), r.topPlace());
    List<List<Object>> rows = new ArrayList<>();
    for (CounterStore.Counter c : r.topPlaceCounters()) {
      rows.add(
          List.of(
              c.hour().atZone(config.timezone()).toLocalDateTime().toString(),
              c.action(),
              c.count()));
    }
    TablePrinter.print(
        System.out, TablePrinter.Format.TABLE, List.of("hour_local", "action", "events"), rows);
  }
}
