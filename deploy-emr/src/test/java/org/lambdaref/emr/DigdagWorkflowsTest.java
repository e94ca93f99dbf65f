package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digdag.client.DigdagClient;
import io.digdag.client.config.Config;
import io.digdag.client.config.ConfigFactory;
import io.digdag.core.config.YamlConfigLoader;
import io.digdag.core.workflow.Workflow;
import io.digdag.core.workflow.WorkflowCompiler;
import io.digdag.core.workflow.WorkflowTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * The Digdag workflows parsed and compiled by digdag-core itself. Each task is an {@code sh>}
 * script that adds one step with AWS CLI v2 and waits for it (not Digdag's {@code emr>}, whose
 * runner is a Python 2 / boto 2 script: digdag v0.10.5, digdag-standards/src/main/resources/io/
 * digdag/standards/operator/aws/runner.py, "from boto import connect_s3", "import urllib2", run by
 * every step through EmrOperatorFactory.addStep / newScriptRunnerStep; Amazon Linux 2023, the OS of
 * EMR 7 and emr-spark-8, "removed Python 2.7", AL2023 User Guide, "Python in AL2023").
 *
 * <p>The step JSON of the script equals {@link EmrSteps}' step for the same dates and holds only
 * keys the CLI reads; the script, run by bash against a stand-in {@code aws} that refuses what the
 * real CLI refuses, exits 0 once the step is COMPLETED and not otherwise.
 */
class DigdagWorkflowsTest {

  private static final ConfigFactory CONFIGS = new ConfigFactory(DigdagClient.objectMapper());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PlatformConfig CONFIG = EmrFixture.config(Map.of());
  private static final String CLUSTER = "j-2AXXXXXXGAPLF";
  private static final String ARTIFACTS = CONFIG.emr().artifactsUri().replaceAll("/+$", "");
  private static final Path BASH = Path.of("/bin/bash");

  /** The session of 2026-11-21 (07:00) processes 2026-11-20. */
  private static final Map<String, String> DAILY =
      Map.of(
          "last_session_date",
          "2026-11-20",
          "last_session_date_compact",
          "20261120",
          "artifacts_uri",
          ARTIFACTS,
          "emr_region",
          CONFIG.emr().region(),
          "emr_cluster_id",
          CLUSTER);

  private static final Map<String, String> BACKFILL =
      Map.of(
          "session_date",
          "2026-10-01",
          "session_date_compact",
          "20261001",
          "iteration_count",
          "30",
          "artifacts_uri",
          ARTIFACTS,
          "emr_region",
          CONFIG.emr().region(),
          "emr_cluster_id",
          CLUSTER);

  @TempDir Path tmp;

  private static Workflow compile(String name) throws Exception {
    Config dig =
        new YamlConfigLoader()
            .loadParameterizedFile(Path.of("digdag", name + ".dig").toFile(), CONFIGS.create())
            .toConfig(CONFIGS);
    return new WorkflowCompiler().compile(name, dig);
  }

  private static WorkflowTask task(Workflow workflow, String name) {
    return workflow.getTasks().stream()
        .filter(x -> x.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The task's sh> script with the session's variables filled in, as Digdag fills every {@code
   * ${...}} before the shell runs (so the script may use only unbraced shell variables: a braced
   * one would be taken for a Digdag variable).
   */
  private static String script(Workflow workflow, String task, Map<String, String> variables) {
    Config config = task(workflow, task).getConfig();
    // the operator is the key ending in '>', resolved when the task runs
    assertThat(config.getKeys()).contains("sh>").doesNotContain("emr>");
    String filled = config.get("sh>", String.class);
    for (Map.Entry<String, String> v : variables.entrySet()) {
      filled = filled.replace("${" + v.getKey() + "}", v.getValue());
    }
    assertThat(filled).as("every variable of the script is known to the test").doesNotContain("${");
    return filled;
  }

  /** The one {@code --steps '<JSON>'} of the script's add-steps command, parsed. */
  private static JsonNode steps(String script) throws IOException {
    Matcher m = Pattern.compile("--steps '([^']*)'").matcher(script);
    assertThat(m.find()).as("add-steps --steps '<JSON>'").isTrue();
    String json = m.group(1);
    assertThat(m.find()).as("one step list per workflow").isFalse();
    return JSON.readTree(json);
  }

  private static void assertSameStepAsJava(String script, RunArguments range) throws IOException {
    assertThat(script).startsWith("set -euo pipefail\n");
    assertThat(script)
        .as("the region is explicit, the cluster the project's")
        .contains(
            "aws emr add-steps --region " + CONFIG.emr().region() + " --cluster-id " + CLUSTER);
    JsonNode steps = steps(script);
    assertThat(steps.isArray()).isTrue();
    assertThat(steps).hasSize(1);
    JsonNode step = steps.get(0);
    List<String> keys = new ArrayList<>();
    step.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .as("keys aws emr add-steps reads for a CUSTOM_JAR step")
        .isSubsetOf(EmrApiRules.CLI_CUSTOM_JAR_STEP_KEYS);
    assertThat(step.get("Type").asText()).isEqualTo("CUSTOM_JAR");

    StepConfig java = EmrSteps.batch(CONFIG.emr(), range, EmrSteps.Mode.SINGLE).get(0);
    assertThat(step.get("Name").asText()).isEqualTo(java.name());
    assertThat(step.get("Jar").asText()).isEqualTo(java.hadoopJarStep().jar());
    List<String> args = new ArrayList<>();
    step.get("Args").forEach(a -> args.add(a.asText()));
    assertThat(args).isEqualTo(java.hadoopJarStep().args());
    String action = step.get("ActionOnFailure").asText();
    assertThat(action).isEqualTo(java.actionOnFailureAsString());
    assertThat(EmrApiRules.CLI_ACTION_ON_FAILURE).contains(action);
    int level = EmrCluster.request(CONFIG, List.of()).stepConcurrencyLevel();
    assertThat(EmrApiRules.acceptsActionOnFailure(level, ActionOnFailure.fromValue(action)))
        .as("ActionOnFailure %s on StepConcurrencyLevel %d", action, level)
        .isTrue();
  }

  /** bash, as the workflows ask of sh> (its shell option): pipefail is not in every /bin/sh. */
  private static void assertRunByBash(Workflow workflow, String name) {
    Config root = task(workflow, "+" + name).getConfig();
    assertThat(
            root.getNestedOrGetEmpty("_export")
                .getNestedOrGetEmpty("sh")
                .getList("shell", String.class))
        .containsExactly(BASH.toString());
  }

  @Test
  void theDailyWorkflowCompilesAndAddsTheClosedDaysStepAsTheJavaPlanDoes() throws Exception {
    Workflow daily = compile("lambda_batch_daily");
    assertThat(daily.getTasks()).extracting(WorkflowTask::getName).contains("+batch");
    assertRunByBash(daily, "lambda_batch_daily");
    assertSameStepAsJava(
        script(daily, "+batch", DAILY), new RunArguments(LocalDate.of(2026, 11, 20), 1, 1, "emr"));
  }

  @Test
  void theBackfillWorkflowReplaysFromTheSessionDateInOneApplication() throws Exception {
    Workflow backfill = compile("lambda_batch_backfill");
    assertRunByBash(backfill, "lambda_batch_backfill");
    assertSameStepAsJava(
        script(backfill, "+backfill", BACKFILL),
        new RunArguments(LocalDate.of(2026, 10, 1), 30, 1, "emr"));
  }

  /** What one run of a script against the stand-in CLI did. */
  private record Run(int exit, String stdout, String stderr, List<List<String>> calls) {}

  /**
   * Runs {@code script} with bash, the stand-in {@code aws} (src/test/resources/digdag/fake-aws)
   * first on PATH, its step going through {@code states}.
   */
  private Run run(String script, String... states) throws Exception {
    assumeThat(Files.isExecutable(BASH)).as("bash is installed").isTrue();
    Path dir = Files.createTempDirectory(tmp, "run");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path aws = bin.resolve("aws");
    try (InputStream in = getClass().getResourceAsStream("/digdag/fake-aws")) {
      Files.copy(in, aws);
    }
    Files.setPosixFilePermissions(aws, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path state = Files.createDirectories(dir.resolve("aws"));
    Files.writeString(state.resolve("states"), String.join("\n", states) + "\n");
    Path file = dir.resolve("runner.sh");
    Files.writeString(file, script);
    ProcessBuilder pb =
        new ProcessBuilder(BASH.toString(), file.toString())
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("FAKE_AWS_DIR", state.toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script ends").isTrue();
    List<List<String>> calls = new ArrayList<>();
    Path callDir = state.resolve("calls");
    if (Files.isDirectory(callDir)) {
      try (Stream<Path> files = Files.list(callDir)) {
        for (Path c : files.sorted().toList()) {
          String raw = Files.readString(c, StandardCharsets.UTF_8);
          calls.add(Arrays.asList(raw.substring(0, raw.length() - 1).split("\0", -1)));
        }
      }
    }
    return new Run(
        p.exitValue(),
        Files.readString(dir.resolve("stdout")),
        Files.readString(dir.resolve("stderr")),
        calls);
  }

  /** The subcommand and the options of a recorded call, e.g. "emr wait step-complete". */
  private static String command(List<String> call) {
    return call.get(1).equals("wait")
        ? String.join(" ", call.subList(0, 3))
        : String.join(" ", call.subList(0, 2));
  }

  private static Map<String, String> options(List<String> call) {
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<String> it = call.subList(command(call).split(" ").length, call.size()).iterator();
    while (it.hasNext()) {
      out.put(it.next(), it.hasNext() ? it.next() : null);
    }
    return out;
  }

  private static void assertEveryCallNamesTheRegionAndCluster(Run run) {
    assertThat(run.calls()).isNotEmpty();
    for (List<String> call : run.calls()) {
      assertThat(options(call))
          .as(String.join(" ", call))
          .containsEntry("--region", CONFIG.emr().region())
          .containsEntry("--cluster-id", CLUSTER);
    }
  }

  @Test
  void theDailyScriptWaitsPastTheWaitersGiveUpAndSucceedsWhenTheStepCompletes() throws Exception {
    String script = script(compile("lambda_batch_daily"), "+batch", DAILY);
    Run run = run(script, "RUNNING", "COMPLETED");
    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.calls())
        .extracting(DigdagWorkflowsTest::command)
        .containsExactly(
            "emr add-steps",
            "emr wait step-complete",
            "emr describe-step",
            "emr wait step-complete");
    assertEveryCallNamesTheRegionAndCluster(run);
    // the CLI gets the very JSON the workflow holds, and the step it answered is the one waited on
    assertThat(JSON.readTree(options(run.calls().get(0)).get("--steps"))).isEqualTo(steps(script));
    assertThat(options(run.calls().get(1))).containsEntry("--step-id", "s-FAKESTEP0001");
    assertThat(run.stdout()).contains("step s-FAKESTEP0001 COMPLETED");
  }

  @Test
  void theDailyScriptFailsWithTheStatesNameWhenTheStepFails() throws Exception {
    Run run = run(script(compile("lambda_batch_daily"), "+batch", DAILY), "RUNNING", "FAILED");
    assertThat(run.exit()).isNotZero();
    assertThat(run.stderr()).contains("step s-FAKESTEP0001 ended FAILED");
    assertThat(run.stdout()).doesNotContain("COMPLETED");
    assertThat(run.calls())
        .extracting(DigdagWorkflowsTest::command)
        .containsExactly(
            "emr add-steps",
            "emr wait step-complete",
            "emr describe-step",
            "emr wait step-complete",
            "emr describe-step");
  }

  @Test
  void theBackfillScriptWaitsWhilePendingAndRunningAndFailsOnACancelledStep() throws Exception {
    String script = script(compile("lambda_batch_backfill"), "+backfill", BACKFILL);
    Run done = run(script, "PENDING", "RUNNING", "COMPLETED");
    assertThat(done.exit()).as(done.stderr()).isZero();
    assertThat(done.calls()).hasSize(6);
    assertEveryCallNamesTheRegionAndCluster(done);

    Run cancelled = run(script, "PENDING", "CANCELLED");
    assertThat(cancelled.exit()).isNotZero();
    assertThat(cancelled.stderr()).contains("ended CANCELLED");
    // a state the waiter has no acceptor for ends the task too (EMR step states: PENDING,
    // CANCEL_PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, INTERRUPTED)
    Run interrupted = run(script, "RUNNING", "INTERRUPTED");
    assertThat(interrupted.exit()).isNotZero();
    assertThat(interrupted.stderr()).contains("ended INTERRUPTED");
  }

  @Test
  void aMisspeltCommandOrOptionFailsTheScriptAsTheRealCliWould() throws Exception {
    String script = script(compile("lambda_batch_daily"), "+batch", DAILY);
    Run option = run(script.replace("add-steps --region", "add-steps --regoin"), "COMPLETED");
    assertThat(option.exit()).isEqualTo(252);
    assertThat(option.stderr()).contains("Unknown options: --regoin");

    Run subcommand = run(script.replace("emr add-steps", "emr add-step"), "COMPLETED");
    assertThat(subcommand.exit()).isEqualTo(252);
    assertThat(subcommand.stderr()).contains("Invalid choice: 'add-step'");

    Run waiter =
        run(script.replace("wait step-complete", "wait step-completed"), "RUNNING", "COMPLETED");
    assertThat(waiter.exit())
        .as("the loop waits again only after a waiter's failure (255), not a refused command line")
        .isEqualTo(252);
    assertThat(waiter.stderr()).contains("Invalid choice: 'step-completed'");
    assertThat(waiter.calls()).hasSize(2);

    Run noRegion = run(script.replace("--region " + CONFIG.emr().region() + " ", ""), "COMPLETED");
    assertThat(noRegion.exit()).isEqualTo(253);
    assertThat(noRegion.stderr()).contains("You must specify a region");
  }
}
