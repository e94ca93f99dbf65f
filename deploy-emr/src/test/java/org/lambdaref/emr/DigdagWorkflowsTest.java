package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;

import io.digdag.client.DigdagClient;
import io.digdag.client.config.Config;
import io.digdag.client.config.ConfigFactory;
import io.digdag.core.config.YamlConfigLoader;
import io.digdag.core.workflow.Workflow;
import io.digdag.core.workflow.WorkflowCompiler;
import io.digdag.core.workflow.WorkflowTask;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * The Digdag workflows parsed and compiled by digdag-core itself (running them needs the emr>
 * operator plugin, which is not on Maven Central): they compile, and their spark-submit arguments
 * equal {@link EmrSteps}' for the same dates.
 */
class DigdagWorkflowsTest {

  private static final ConfigFactory CONFIGS = new ConfigFactory(DigdagClient.objectMapper());
  private static final PlatformConfig CONFIG = EmrFixture.config(Map.of());

  private static Workflow compile(String name) throws Exception {
    Config dig =
        new YamlConfigLoader()
            .loadParameterizedFile(Path.of("digdag", name + ".dig").toFile(), CONFIGS.create())
            .toConfig(CONFIGS);
    return new WorkflowCompiler().compile(name, dig);
  }

  private static List<String> emrArgs(
      Workflow workflow, String task, Map<String, String> variables) {
    WorkflowTask t =
        workflow.getTasks().stream()
            .filter(x -> x.getName().equals(task))
            .findFirst()
            .orElseThrow();
    Config step = t.getConfig().getList("steps", Config.class).get(0);
    assertThat(step.get("type", String.class)).isEqualTo("command");
    List<String> out = new ArrayList<>();
    out.add(step.get("command", String.class));
    for (String a : step.getList("args", String.class)) {
      String filled = a;
      for (Map.Entry<String, String> v : variables.entrySet()) {
        filled = filled.replace("${" + v.getKey() + "}", v.getValue());
      }
      assertThat(filled)
          .as("every variable of '" + a + "' is known to the test")
          .doesNotContain("${");
      out.add(filled);
    }
    return out;
  }

  /**
   * The ActionOnFailure the emr> operator gives the task's first step, resolved as the operator
   * does: the step's own action_on_failure, else the operator's, else CANCEL_AND_WAIT (digdag
   * v0.10.5, digdag-standards/.../aws/EmrOperatorFactory.java: {@code
   * params.get("action_on_failure", String.class, "CANCEL_AND_WAIT")} and {@code
   * step.get("action_on_failure", String.class, defaultActionOnFailure)} in
   * StepCompiler.stepConfig).
   */
  private static ActionOnFailure actionOnFailure(Workflow workflow, String task) {
    Config params =
        workflow.getTasks().stream()
            .filter(x -> x.getName().equals(task))
            .findFirst()
            .orElseThrow()
            .getConfig();
    String operatorDefault = params.get("action_on_failure", String.class, "CANCEL_AND_WAIT");
    Config step = params.getList("steps", Config.class).get(0);
    return ActionOnFailure.fromValue(step.get("action_on_failure", String.class, operatorDefault));
  }

  private static void assertAcceptedOnTheCluster(Workflow workflow, String task) {
    int level = EmrCluster.request(CONFIG, List.of()).stepConcurrencyLevel();
    ActionOnFailure action = actionOnFailure(workflow, task);
    assertThat(EmrApiRules.acceptsActionOnFailure(level, action))
        .as("%s: ActionOnFailure %s on StepConcurrencyLevel %d", task, action, level)
        .isTrue();
  }

  private static List<String> javaArgs(RunArguments args) {
    StepConfig step = EmrSteps.batch(CONFIG.emr(), args, EmrSteps.Mode.SINGLE).get(0);
    return step.hadoopJarStep().args();
  }

  @Test
  void theDailyWorkflowCompilesAndRunsTheClosedDayAsTheJavaPlanDoes() throws Exception {
    Workflow daily = compile("lambda_batch_daily");
    assertThat(daily.getTasks()).extracting(WorkflowTask::getName).contains("+batch");
    String artifacts = CONFIG.emr().artifactsUri().replaceAll("/+$", "");
    // the session of 2026-11-21 (07:00) processes 2026-11-20
    List<String> args =
        emrArgs(
            daily,
            "+batch",
            Map.of(
                "last_session_date",
                "2026-11-20",
                "last_session_date_compact",
                "20261120",
                "artifacts_uri",
                artifacts));
    assertThat(args).isEqualTo(javaArgs(new RunArguments(LocalDate.of(2026, 11, 20), 1, 1, "emr")));
    assertAcceptedOnTheCluster(daily, "+batch");
  }

  @Test
  void theBackfillWorkflowReplaysFromTheSessionDateInOneApplication() throws Exception {
    Workflow backfill = compile("lambda_batch_backfill");
    String artifacts = CONFIG.emr().artifactsUri().replaceAll("/+$", "");
    List<String> args =
        emrArgs(
            backfill,
            "+backfill",
            Map.of(
                "session_date",
                "2026-10-01",
                "session_date_compact",
                "20261001",
                "iteration_count",
                "30",
                "artifacts_uri",
                artifacts));
    assertThat(args).isEqualTo(javaArgs(new RunArguments(LocalDate.of(2026, 10, 1), 30, 1, "emr")));
    assertAcceptedOnTheCluster(backfill, "+backfill");
  }
}
