package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/lambda emr rehearse} for two days: the steps {@code emr plan} renders run on a Spark
 * standalone cluster (driver on a worker, executors in their own JVMs) against the local stack, and
 * every table and the ledger equal a local-mode run of the same input. The single-mode run adds the
 * speed step ({@code --with-speed}): its driver is killed while events stream in, relaunched by its
 * worker, and its counters and hot rows equal a local-mode catch-up of the same topic.
 */
class EmrRehearsalTest {

  /** What a worker's driver may see: the cluster node's own variables, nothing of the caller's. */
  static final List<String> DRIVER_ENV =
      List.of(
          "JAVA_HOME",
          "PATH",
          "PWD",
          "SHLVL",
          "SPARK_DRIVER_LOG_URL_STDERR",
          "SPARK_DRIVER_LOG_URL_STDOUT",
          "SPARK_HOME",
          "SPARK_LOCAL_IP",
          "SPARK_SCALA_VERSION");

  /** Kept after the run: the cluster's logs, the drivers' and executors' folders. */
  private final Path root =
      Path.of("target", "rehearsal", Long.toString(System.currentTimeMillis()));

  @ParameterizedTest
  @ValueSource(strings = {"single", "parallel"})
  void aTwoDayRangeOnTheClusterEqualsTheLocalModeRun(String mode) {
    long started = System.nanoTime();
    boolean withSpeed = mode.equals("single");
    List<String> args =
        new ArrayList<>(
            List.of(
                "emr",
                "rehearse",
                "--env",
                "emr",
                // the operator's deployment overlay the steps are planned from (its endpoints
                // are replaced by the local stack's in the overlay the rehearsal uploads)
                "--config-uri",
                Path.of("..", "deploy-emr", "conf", "lambda.example.conf")
                    .toAbsolutePath()
                    .toString(),
                "--start-date",
                "2026-10-01",
                "--iteration-count",
                "2",
                "--mode",
                mode,
                "--events-per-day",
                "1000",
                "--run-dir",
                root.resolve(mode).toString()));
    if (withSpeed) {
      args.add("--with-speed");
    }
    CliRun run = CliRun.run(args.toArray(String[]::new));
    System.out.println(run.out());
    System.out.printf("rehearsal (%s) took %.1f s%n", mode, (System.nanoTime() - started) / 1e9);
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("the cluster run equals the local-mode run")
        .contains("added --master spark://127.0.0.1:")
        .contains("kept spark.yarn.maxAppAttempts=1")
        .contains("--deploy-mode cluster");
    if (mode.equals("parallel")) {
      assertThat(run.out()).contains("--parallelism 2");
    }
    Matcher driver = Pattern.compile("driver (driver-\\S+) ran on (\\S+)").matcher(run.out());
    assertThat(driver.find()).as(run.out()).isTrue();
    assertThat(driver.group(2)).contains("/cluster/worker-");
    Matcher env =
        Pattern.compile("the driver's environment \\(names only\\): \\[(.*)]").matcher(run.out());
    assertThat(env.find()).isTrue();
    assertThat(List.of(env.group(1).split(",\\s*")))
        .as("nothing of the submitting shell's environment reaches the driver")
        .isNotEmpty()
        .isSubsetOf(DRIVER_ENV);
    Matcher executors = Pattern.compile("executors \\(own JVMs\\): \\[(.+)]").matcher(run.out());
    assertThat(executors.find()).as("executor folders").isTrue();
    if (withSpeed) {
      assertSpeedStepSurvivedItsDriversLoss(run.out());
    }
  }

  /**
   * The speed step ran as EMR runs it (YARN's application attempts stood in for by the worker's
   * --supervise), its driver JVM was killed while it counted, another JVM took over, and nothing
   * was lost or counted twice: both sides' counters and hot rows are the same.
   */
  private static void assertSpeedStepSurvivedItsDriversLoss(String out) {
    assertThat(out)
        .contains("added --supervise")
        .contains("kept spark.yarn.maxAppAttempts=")
        .contains("kept spark.yarn.am.attemptFailuresValidityInterval=")
        .contains("org.lambdaref.speed.SpeedMain");
    Matcher kill =
        Pattern.compile(
                "driver killed \\(SIGKILL, pid (\\d+)\\) with (\\d+) events counted;"
                    + " relaunched as pid (\\d+)")
            .matcher(out);
    assertThat(kill.find()).as(out).isTrue();
    assertThat(Long.parseLong(kill.group(2)))
        .as(
            "killed in the middle: after it counted some of the second part (the first is 2,000"
                + " events), before it had all 8,000")
        .isGreaterThan(2_000)
        .isLessThan(8_000);
    assertThat(kill.group(3)).as("a new driver JVM").isNotEqualTo(kill.group(1));
    Matcher counters =
        Pattern.compile(
                "(\\d+) events sent; counters, cluster vs local-mode: (\\d+) vs (\\d+) keys,"
                    + " (\\d+) vs (\\d+) events, (\\d+) keys differ: (\\S+)")
            .matcher(out);
    assertThat(counters.find()).as(out).isTrue();
    long sent = Long.parseLong(counters.group(1));
    long counted = Long.parseLong(counters.group(4));
    assertThat(sent).isEqualTo(8_000);
    assertThat(counted)
        .as(
            "each of the 8,000 generated events once: the mix's producer-retry duplicates dropped,"
                + " its malformed lines quarantined, nothing counted twice across the kill")
        .isEqualTo(8_000);
    assertThat(counters.group(4)).isEqualTo(counters.group(5));
    assertThat(counters.group(6)).isEqualTo("0");
    assertThat(counters.group(7)).isEqualTo("same");
    assertThat(out).containsPattern("hot\\.place_event_timeseries_hourly\\s+8000\\s+8000 .*same");
  }
}
