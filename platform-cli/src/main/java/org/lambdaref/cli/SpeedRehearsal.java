package org.lambdaref.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.counters.CounterStore;
import org.lambdaref.counters.DynamoDbCounterStore;
import org.lambdaref.emr.RehearsalRewrite;
import org.lambdaref.localstack.SparkStandaloneCluster;
import org.lambdaref.model.PlatformException;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.speed.SpeedRunner;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * The speed step of {@code bin/lambda emr rehearse --with-speed}: the long-running step {@code emr
 * plan} renders, submitted with {@code --deploy-mode cluster} and {@code --supervise} (standalone's
 * stand-in for YARN's application attempts), fed live events, its driver JVM killed with SIGKILL as
 * soon as it has counted some of a second part while that part still streams in, relaunched by its
 * worker from the query's checkpoint on S3, and then compared with a local-mode catch-up of the
 * same topic: every counter and every hot row the same.
 */
final class SpeedRehearsal {

  /** Events sent before the kill, while it happens, and after the relaunch. */
  static final int BEFORE_KILL = 2_000;

  static final int DURING_KILL = 4_000;
  static final int AFTER_RELAUNCH = 2_000;
  static final int RATE = 1_000;

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(4);
  private static final Pattern DRIVER_ID = Pattern.compile("(driver-\\d+-\\d+)");

  /** Both counters tables: keys, totals, and keys whose counts differ or that one side lacks. */
  record CounterCheck(
      long clusterKeys, long localKeys, long clusterTotal, long localTotal, long differing) {
    boolean same() {
      return clusterKeys == localKeys && clusterTotal == localTotal && differing == 0;
    }
  }

  /** What the speed step did on the cluster. */
  record Run(
      String name,
      List<String> command,
      String driverId,
      Path driverDir,
      long killedPid,
      long countedAtKill,
      long relaunchedPid,
      Duration relaunch,
      Duration converged,
      long eventsSent,
      CounterCheck counters,
      List<String> driverEnvironment,
      int killStatus,
      Path submitLog) {
    boolean passed() {
      return relaunchedPid > 0 && relaunchedPid != killedPid && counters.same();
    }
  }

  private SpeedRehearsal() {}

  static Run run(
      SparkStandaloneCluster cluster,
      StepConfig step,
      RehearsalRewrite.Target target,
      PlatformConfig clusterView,
      PlatformConfig local,
      SparkSession spark,
      Path runDir,
      List<String> changes,
      Console console) {
    RehearsalRewrite.Rewritten rewritten =
        RehearsalRewrite.rewrite(
            step.hadoopJarStep().args(),
            new RehearsalRewrite.Target(target.masterUrl(), target.jars(), target.conf(), true));
    changes.addAll(rewritten.changes());
    Path log = runDir.resolve(step.name() + ".submit.log");
    Process submit = EmrRehearsal.start(cluster, rewritten.command(), runDir, log);
    try (DynamoDbCounterStore clusterCounters =
            new DynamoDbCounterStore(clusterView.dynamodb(), 1);
        DynamoDbCounterStore localCounters = new DynamoDbCounterStore(local.dynamodb(), 1)) {
      String driverId =
          console.step(
              "step "
                  + step.name()
                  + " on "
                  + cluster.masterUrl()
                  + ", --deploy-mode cluster"
                  + " --supervise",
              () -> awaitDriverId(log, submit));
      ProcessHandle driver = awaitDriver(cluster, -1);
      List<String> driverEnv = EmrRehearsal.environmentKeys(driver.pid());
      LongSupplier counted = () -> total(clusterCounters.scanAll());
      long sent =
          console.step(
              "sending " + BEFORE_KILL + " live events; waiting for the driver to count them",
              () -> {
                long n = produce(clusterView, BEFORE_KILL, 1);
                awaitAbove(counted, 0, START_TIMEOUT, "the speed driver counted nothing", log);
                return n;
              });
      CompletableFuture<Long> during =
          CompletableFuture.supplyAsync(() -> produce(clusterView, DURING_KILL, 2));
      // killed as soon as it has counted some of the second part: in the middle of its work,
      // with more events on their way
      awaitAbove(counted, sent, START_TIMEOUT, "the speed driver counted no more events", log);
      long countedAtKill = counted.getAsLong();
      long killedPid = driver.pid();
      long killedAt = System.nanoTime();
      console.line(
          "SIGKILL to the speed driver (pid %d) while events stream in (%d counted so far)",
          killedPid, countedAtKill);
      driver.destroyForcibly();
      ProcessHandle relaunched =
          console.step(
              "waiting for the worker to relaunch the driver (--supervise)",
              () -> awaitDriver(cluster, killedPid));
      Duration relaunch = Duration.ofNanos(System.nanoTime() - killedAt);
      sent += during.join();
      sent += produce(clusterView, AFTER_RELAUNCH, 3);
      long eventsSent = sent;
      console.step(
          "the same topic in local mode (SpeedRunner --available-now in this JVM)",
          () -> SpeedRunner.run(spark, local, localCounters, null, Trigger.AvailableNow()));
      CounterCheck check =
          console.step(
              "waiting for the relaunched driver's counters and hot tables to equal the local-mode"
                  + " run",
              () ->
                  converge(
                      clusterCounters,
                      localCounters,
                      hotRows(spark, clusterView),
                      hotRows(spark, local)));
      Duration converged = Duration.ofNanos(System.nanoTime() - killedAt);
      int killStatus = cluster.killDriver(driverId, log);
      awaitExit(submit);
      return new Run(
          step.name(),
          rewritten.command(),
          driverId,
          cluster.driverDir(driverId).orElse(null),
          killedPid,
          countedAtKill,
          relaunched.pid(),
          relaunch,
          converged,
          eventsSent,
          check,
          driverEnv,
          killStatus,
          log);
    } finally {
      if (submit.isAlive()) {
        submit.destroyForcibly();
      }
    }
  }

  /** Sends {@code events} generated live events (the produce command's mix) at {@link #RATE}. */
  private static long produce(PlatformConfig config, int events, long seed) {
    return ProduceCommand.run(config, RATE, events, 200, seed, null).events();
  }

  private static String awaitDriverId(Path log, Process submit) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = DRIVER_ID.matcher(read(log));
      if (m.find()) {
        return m.group(1);
      }
      if (!submit.isAlive()) {
        break;
      }
      sleep(Duration.ofMillis(250));
    }
    throw failure("the speed step's driver was not submitted", log);
  }

  /** The running driver JVM that is not {@code notPid}. */
  private static ProcessHandle awaitDriver(SparkStandaloneCluster cluster, long notPid) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> found =
          cluster.launched("DriverWrapper").stream()
              .filter(h -> h.pid() != notPid && h.isAlive())
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      sleep(Duration.ofMillis(200));
    }
    throw new PlatformException(
        notPid < 0
            ? "No speed driver JVM started on a worker"
            : "The worker did not relaunch the killed speed driver (pid " + notPid + ")",
        "the step is submitted with --supervise, so a worker restarts a driver that died",
        "see the workers' logs under " + cluster.root());
  }

  private static void awaitAbove(
      LongSupplier value, long floor, Duration timeout, String what, Path log) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (value.getAsLong() > floor) {
        return;
      }
      sleep(Duration.ofMillis(100));
    }
    throw failure(what + " within " + timeout.toSeconds() + " s", log);
  }

  /** Compares the counters until both sides agree or {@link #CONVERGE_TIMEOUT} has passed. */
  /**
   * Compares the counters until both sides agree and the cluster's hot tables hold as many rows as
   * the local run's, or {@link #CONVERGE_TIMEOUT} has passed. The counter writes of a micro-batch
   * run alongside its hot appends, so equal counters alone do not say the batch is done, and the
   * driver is stopped next.
   */
  private static CounterCheck converge(
      DynamoDbCounterStore cluster,
      DynamoDbCounterStore local,
      Supplier<List<Long>> clusterHotRows,
      Supplier<List<Long>> localHotRows) {
    Map<String, Long> expected = byKey(local.scanAll());
    List<Long> expectedHot = localHotRows.get();
    long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
    CounterCheck check;
    do {
      check = compare(byKey(cluster.scanAll()), expected);
      if (check.same() && clusterHotRows.get().equals(expectedHot)) {
        return check;
      }
      sleep(Duration.ofSeconds(1));
    } while (System.nanoTime() < deadline);
    return check;
  }

  static CounterCheck compare(Map<String, Long> cluster, Map<String, Long> local) {
    long differing =
        cluster.entrySet().stream().filter(e -> !e.getValue().equals(local.get(e.getKey()))).count()
            + local.keySet().stream().filter(k -> !cluster.containsKey(k)).count();
    return new CounterCheck(
        cluster.size(),
        local.size(),
        cluster.values().stream().mapToLong(Long::longValue).sum(),
        local.values().stream().mapToLong(Long::longValue).sum(),
        differing);
  }

  /** A counter by place, action and hour; which query wrote it is not part of the answer. */
  static Map<String, Long> byKey(List<CounterStore.Counter> counters) {
    Map<String, Long> keyed = new TreeMap<>();
    for (CounterStore.Counter c : counters) {
      keyed.put(c.placeId() + "|" + c.action() + "|" + c.hour(), c.count());
    }
    return keyed;
  }

  /** The row counts of the two hot tables of {@code config}'s lake (0 for one not there yet). */
  private static Supplier<List<Long>> hotRows(SparkSession spark, PlatformConfig config) {
    return () ->
        Stream.of(PlatformTables.HOT_PLACE_EVENT, PlatformTables.HOT_PLACE_EVENT_QUARANTINE)
            .map(t -> config.storage().tableLocation(t.name()))
            .map(
                l ->
                    LakeTables.exists(spark, l) ? spark.read().format("delta").load(l).count() : 0L)
            .toList();
  }

  private static long total(List<CounterStore.Counter> counters) {
    return counters.stream().mapToLong(CounterStore.Counter::count).sum();
  }

  private static void awaitExit(Process submit) {
    try {
      if (!submit.waitFor(60, TimeUnit.SECONDS)) {
        submit.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static PlatformException failure(String what, Path log) {
    return new PlatformException(
        "The speed step's rehearsal stopped: " + what,
        "the last lines of " + log + ":\n" + tail(read(log), 20),
        "see the driver's stderr under the worker folders of the cluster");
  }

  static String tail(String text, int lines) {
    List<String> all = new ArrayList<>(List.of(text.split("\n")));
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
