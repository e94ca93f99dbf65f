package org.lambdaref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/lambda emr rehearse} for two days: the steps {@code emr plan} renders run on a Spark
 * standalone cluster (driver on a worker, executors in their own JVMs) against the local stack, and
 * every table and the ledger equal a local-mode run of the same input.
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
    CliRun run =
        CliRun.run(
            "emr",
            "rehearse",
            "--env",
            "emr",
            // the operator's deployment overlay the steps are planned from (its endpoints are
            // replaced by the local stack's in the overlay the rehearsal uploads)
            "--config-uri",
            Path.of("..", "deploy-emr", "conf", "lambda.example.conf").toAbsolutePath().toString(),
            "--start-date",
            "2026-10-01",
            "--iteration-count",
            "2",
            "--mode",
            mode,
            "--events-per-day",
            "1000",
            "--run-dir",
            root.resolve(mode).toString());
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
  }
}
