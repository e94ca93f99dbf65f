package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * The Airflow DAGs, checked without Airflow (it cannot be installed here): every file compiles, and
 * loaded against stand-in airflow modules they define the expected tasks and edges, and steps whose
 * spark-submit arguments equal {@link EmrSteps}' for the same dates.
 */
class AirflowDagsTest {

  private static final Path AIRFLOW = Path.of("airflow");
  private static final PlatformConfig CONFIG = EmrFixture.config(Map.of());
  private static JsonNode dags;

  @TempDir static Path tmp;

  private static String run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    // the transient-cluster DAG's cluster: what 'bin/lambda emr cluster --format json' prints
    pb.environment().put("LAMBDA_EMR_JOB_FLOW", jobFlowFile().toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    return out;
  }

  /** The RunJobFlow request of the platform's cluster in the API's JSON shape, as a file. */
  private static synchronized Path jobFlowFile() throws IOException {
    Path file = tmp.resolve("lambda_emr_job_flow.json");
    if (!Files.exists(file)) {
      Files.writeString(
          file,
          new ObjectMapper()
              .writeValueAsString(EmrCluster.apiJson(EmrCluster.request(CONFIG, List.of()))));
    }
    return file;
  }

  @BeforeAll
  static void loadDags() throws Exception {
    boolean python;
    try {
      python = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
    } catch (IOException e) {
      python = false;
    }
    assumeTrue(python, "python3 is needed to check the DAG files");
    dags =
        new ObjectMapper()
            .readTree(run(List.of("python3", AIRFLOW.resolve("tests/check_dags.py").toString())));
  }

  @Test
  void everyDagFileCompiles() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(AIRFLOW.resolve("dags"))) {
      files = s.filter(p -> p.toString().endsWith(".py")).toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    for (Path f : files) {
      run(
          List.of(
              "python3",
              "-c",
              "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
              f.toString(),
              tmp.resolve(f.getFileName() + "c").toString()));
    }
  }

  /**
   * The Java plan's arguments for {@code args} with the DAG's templates filled the way Airflow
   * would.
   */
  private static List<String> javaArgs(RunArguments args) {
    StepConfig step = EmrSteps.batch(CONFIG.emr(), args, EmrSteps.Mode.SINGLE).get(0);
    List<String> out = new ArrayList<>(step.hadoopJarStep().args());
    out.add(0, step.name());
    return out;
  }

  private static List<String> dagArgs(JsonNode task, Map<String, String> templates) {
    JsonNode step = task.get("args").get("steps").get(0);
    List<String> out = new ArrayList<>();
    out.add(fill(step.get("Name").asText(), templates));
    step.get("HadoopJarStep").get("Args").forEach(a -> out.add(fill(a.asText(), templates)));
    return out;
  }

  /** The DAG's step is one EMR accepts on the cluster the platform starts (4 steps at once). */
  private static void assertAcceptedOnTheCluster(JsonNode task) {
    int level = EmrCluster.request(CONFIG, List.of()).stepConcurrencyLevel();
    String action = task.get("args").get("steps").get(0).get("ActionOnFailure").asText();
    assertThat(EmrApiRules.acceptsActionOnFailure(level, ActionOnFailure.fromValue(action)))
        .as("ActionOnFailure %s on StepConcurrencyLevel %d", action, level)
        .isTrue();
  }

  private static String fill(String s, Map<String, String> templates) {
    String out = s;
    for (Map.Entry<String, String> t : templates.entrySet()) {
      out = out.replace(t.getKey(), t.getValue());
    }
    assertThat(out).as("every template of '" + s + "' is known to the test").doesNotContain("{{");
    return out;
  }

  @Test
  void theDailyDagRunsTheClosedDayAsTheJavaPlanDoesAndWatchesTheStep() throws Exception {
    JsonNode daily = dags.get("lambda_batch_daily");
    assertThat(daily.get("schedule").asText())
        .as("07:00: after the day closed (+6 h lateness)")
        .isEqualTo("0 7 * * *");
    assertThat(daily.get("order"))
        .extracting(JsonNode::asText)
        .containsExactly("find_batch_step", "add_batch_step", "watch_batch_step");
    JsonNode add = daily.get("tasks").get("add_batch_step");
    assertThat(add.get("operator").asText()).isEqualTo("EmrAddStepsOperator");
    String artifacts = CONFIG.emr().artifactsUri().replaceAll("/+$", "");
    // The run Airflow 2 starts at 2026-11-21 07:00 Asia/Seoul: a cron schedule's run covers the
    // interval from the previous tick to its own (CronDataIntervalTimetable, "data interval" in
    // https://airflow.apache.org/docs/apache-airflow/2.10.5/authoring-and-scheduling/timetable.html),
    // its logical date is the interval's start, handed to templates in UTC. Day 2026-11-20 closed
    // at 06:00 (+6 h lateness): that is the day to process.
    assumeTrue(
        new ProcessBuilder("python3", "-c", "import jinja2").start().waitFor() == 0,
        "Jinja2 (Airflow's template engine) is needed to render the DAG's templates");
    JsonNode rendered =
        render(
            "lambda_batch_daily",
            "2026-11-20T07:00:00+09:00",
            "2026-11-21T07:00:00+09:00",
            artifacts,
            "{{ ds }}");
    assertThat(rendered.get("extra").asText())
        .as("{{ ds }} is the UTC logical date: the day before the one to process")
        .isEqualTo("2026-11-19");
    assertThat(nameAndArgs(rendered.get("steps").get(0)))
        .isEqualTo(javaArgs(new RunArguments(LocalDate.of(2026, 11, 20), 1, 1, "emr")));
    assertAcceptedOnTheCluster(add);
    // Airflow 3 (create_cron_data_intervals = False by default: CronTriggerTimetable) gives the
    // same
    // run a zero-length interval at its own tick, 2026-11-21 07:00: still day 2026-11-20
    // (https://airflow.apache.org/docs/apache-airflow/3.0.0/authoring-and-scheduling/timetable.html)
    assertThat(renderedDay(artifacts, "2026-11-21T07:00:00+09:00", "2026-11-21T07:00:00+09:00"))
        .isEqualTo("PlaceImpression_1Range_20261120_EMR");
    // a run before the day closed (05:00, the day closes at 06:00) takes the day before
    assertThat(renderedDay(artifacts, "2026-11-20T05:00:00+09:00", "2026-11-21T05:00:00+09:00"))
        .isEqualTo("PlaceImpression_1Range_20261119_EMR");
    assertThat(daily.get("catchup").asBoolean()).as("a missed day runs when it is back").isTrue();
    assertThat(daily.get("max_active_runs").asInt()).as("one day at a time").isEqualTo(1);
    JsonNode watch = daily.get("tasks").get("watch_batch_step");
    assertThat(watch.get("operator").asText()).isEqualTo("EmrStepSensor");
    assertThat(watch.get("args").get("step_id").asText()).contains("add_batch_step");
    assertThat(watch.get("args").get("mode").asText())
        .as("no worker slot held between checks")
        .isEqualTo("reschedule");
    assertThat(watch.get("args").get("step_id").asText()).contains("find_batch_step");
    assertThat(watch.get("args").get("trigger_rule").asText())
        .as("it runs when the add was skipped for a step in flight")
        .isEqualTo("none_failed_min_one_success");
    JsonNode find = daily.get("tasks").get("find_batch_step");
    assertThat(find.get("operator").asText()).isEqualTo("BranchPythonOperator");
    assertThat(find.get("args").get("op_kwargs").get("name").asText())
        .as("it looks for the step the add would add")
        .isEqualTo(add.get("args").get("steps").get(0).get("Name").asText());
  }

  /**
   * A period's step is not added twice: the branch looks for a step of the same name still PENDING
   * or RUNNING on the cluster (ListSteps, every page) and watches it instead; a COMPLETED or FAILED
   * one is not reused (clearing a run redoes its day). The stand-in client answers as the EMR API
   * does and refuses what botocore refuses.
   */
  @Test
  void aStepOfTheSameDayInFlightIsWatchedNotAddedAgain() throws Exception {
    JsonNode cases =
        new ObjectMapper()
            .readTree(
                run(
                    List.of(
                        "python3", AIRFLOW.resolve("tests/check_step_in_flight.py").toString())));
    for (String add : List.of("none", "completed_only", "failed_only", "another_day_running")) {
      assertThat(cases.get(add).get("branch").asText()).as(add).isEqualTo("add_batch_step");
      assertThat(cases.get(add).get("step_id").isNull()).as(add).isTrue();
    }
    assertThat(cases.get("pending").get("branch").asText()).isEqualTo("watch_batch_step");
    assertThat(cases.get("pending").get("step_id").asText()).isEqualTo("s-7");
    JsonNode paged = cases.get("running_on_the_second_page");
    assertThat(paged.get("branch").asText()).isEqualTo("watch_batch_step");
    assertThat(paged.get("step_id").asText()).isEqualTo("s-3");
    assertThat(paged.get("calls"))
        .as("the second page asked with the first one's Marker")
        .hasSize(2);
    assertThat(paged.get("calls").get(1).get("Marker").asText()).isEqualTo("2");
    assertThat(paged.get("calls").get(0).get("StepStates"))
        .extracting(JsonNode::asText)
        .containsExactly("PENDING", "RUNNING");
  }

  /** The name of the daily DAG's step rendered for a run with the data interval [start, end). */
  private static String renderedDay(String artifacts, String start, String end) throws Exception {
    return render("lambda_batch_daily", start, end, artifacts, "")
        .get("steps")
        .get(0)
        .get("Name")
        .asText();
  }

  /**
   * {@code dagId}'s add_batch_step rendered by render_step.py for a run with the data interval
   * [start, end), and {@code extra} rendered in the same context.
   */
  private static JsonNode render(
      String dagId, String start, String end, String artifacts, String extra) throws Exception {
    return new ObjectMapper()
        .readTree(
            run(
                List.of(
                    "python3",
                    AIRFLOW.resolve("tests/render_step.py").toString(),
                    dagId,
                    "add_batch_step",
                    start,
                    end,
                    "{\"lambda_emr_artifacts_uri\": \"" + artifacts + "\"}",
                    extra)));
  }

  /** A rendered step as the Java plan's arguments are compared: its name, then its args. */
  private static List<String> nameAndArgs(JsonNode step) {
    List<String> out = new ArrayList<>();
    out.add(step.get("Name").asText());
    step.get("HadoopJarStep").get("Args").forEach(a -> out.add(a.asText()));
    return out;
  }

  @Test
  void theTransientClusterDagCreatesRunsAndAlwaysTerminatesItsCluster() throws Exception {
    JsonNode transientDag = dags.get("lambda_batch_daily_transient");
    assertThat(transientDag.get("order"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "create_cluster", "add_batch_step", "watch_batch_step", "terminate_cluster");
    JsonNode tasks = transientDag.get("tasks");
    JsonNode create = tasks.get("create_cluster");
    assertThat(create.get("operator").asText()).isEqualTo("EmrCreateJobFlowOperator");
    assertThat(create.get("args").get("job_flow_overrides"))
        .as("the request 'bin/lambda emr cluster --format json' renders, unchanged")
        .isEqualTo(new ObjectMapper().readTree(jobFlowFile().toFile()));
    assertThat(create.get("args").get("emr_conn_id").isNull())
        .as("nothing merged from an Airflow EMR connection")
        .isTrue();
    assertThat(create.get("args").get("job_flow_overrides").get("Tags").toString())
        .contains(EmrCluster.MANAGED_POLICY_TAG);
    String cluster = "task_ids='create_cluster'";
    for (String t : List.of("add_batch_step", "watch_batch_step", "terminate_cluster")) {
      assertThat(tasks.get(t).get("args").get("job_flow_id").asText()).as(t).contains(cluster);
    }
    JsonNode terminate = tasks.get("terminate_cluster");
    assertThat(terminate.get("operator").asText()).isEqualTo("EmrTerminateJobFlowOperator");
    assertThat(terminate.get("args").get("trigger_rule").asText())
        .as("the cluster ends whatever the step did")
        .isEqualTo("all_done");
    assertThat(tasks.get("watch_batch_step").get("args").get("mode").asText())
        .isEqualTo("reschedule");
    assertThat(transientDag.get("catchup").asBoolean()).isTrue();
    assertThat(transientDag.get("max_active_runs").asInt()).isEqualTo(1);
    assumeTrue(
        new ProcessBuilder("python3", "-c", "import jinja2").start().waitFor() == 0,
        "Jinja2 (Airflow's template engine) is needed to render the DAG's templates");
    String artifacts = CONFIG.emr().artifactsUri().replaceAll("/+$", "");
    JsonNode step =
        render(
                "lambda_batch_daily_transient",
                "2026-11-20T07:00:00+09:00",
                "2026-11-21T07:00:00+09:00",
                artifacts,
                "")
            .get("steps")
            .get(0);
    assertThat(nameAndArgs(step))
        .isEqualTo(javaArgs(new RunArguments(LocalDate.of(2026, 11, 20), 1, 1, "emr")));
    assertAcceptedOnTheCluster(tasks.get("add_batch_step"));
  }

  @Test
  void theBackfillDagReplaysTheRangeInOneApplicationFromItsParameters() {
    JsonNode backfill = dags.get("lambda_batch_backfill");
    assertThat(backfill.get("schedule").isNull()).as("triggered by hand").isTrue();
    assertThat(backfill.get("params").get("iteration_count").get("type").asText())
        .isEqualTo("integer");
    String artifacts = CONFIG.emr().artifactsUri().replaceAll("/+$", "");
    List<String> filled =
        dagArgs(
            backfill.get("tasks").get("add_backfill_step"),
            Map.of(
                "{{ params.start_date | replace('-', '') }}", "20261001",
                "{{ params.start_date }}", "2026-10-01",
                "{{ params.iteration_count }}", "30",
                "{{ var.value.lambda_emr_artifacts_uri }}", artifacts));
    assertThat(filled)
        .isEqualTo(javaArgs(new RunArguments(LocalDate.of(2026, 10, 1), 30, 1, "emr")));
    assertAcceptedOnTheCluster(backfill.get("tasks").get("add_backfill_step"));
    assertThat(backfill.get("edges").get(0))
        .extracting(JsonNode::asText)
        .containsExactly("add_backfill_step", "watch_backfill_step");
    assertThat(backfill.get("tasks").get("watch_backfill_step").get("args").get("mode").asText())
        .isEqualTo("reschedule");
  }

  /**
   * The stand-ins take the keywords of the real classes and no other, so a DAG that passes a
   * misspelt or unknown argument fails here as it fails in Airflow (BaseOperator raises
   * AirflowException "Invalid arguments were passed to ..."; EmrAddStepsOperator wants exactly one
   * of job_flow_id and job_flow_name; EmrStepSensor requires job_flow_id and step_id; a sensor's
   * mode is poke or reschedule). Signatures: apache-airflow-providers-amazon 9.18.0 and Airflow
   * 2.10, as noted in the stand-ins.
   */
  @Test
  void theStandInsRefuseTheArgumentsTheRealOperatorsRefuse() throws Exception {
    JsonNode cases =
        new ObjectMapper()
            .readTree(
                run(List.of("python3", AIRFLOW.resolve("tests/check_standins.py").toString())));
    for (String ok : List.of("add_steps", "step_sensor", "create_job_flow", "branch")) {
      assertThat(cases.get(ok).asText()).as(ok).isEqualTo("ok");
    }
    assertThat(cases.get("add_steps_misspelt_steps").asText())
        .contains("Invalid arguments were passed to EmrAddStepsOperator")
        .contains("'step'");
    assertThat(cases.get("create_job_flow_misspelt").asText())
        .contains("Invalid arguments were passed to EmrCreateJobFlowOperator");
    assertThat(cases.get("step_sensor_misspelt_poke").asText())
        .contains("Invalid arguments were passed to EmrStepSensor");
    assertThat(cases.get("add_steps_without_cluster").asText())
        .contains("Exactly one of job_flow_id or job_flow_name");
    assertThat(cases.get("add_steps_two_clusters").asText())
        .contains("Exactly one of job_flow_id or job_flow_name");
    assertThat(cases.get("step_sensor_without_step").asText())
        .startsWith("TypeError")
        .contains("step_id");
    assertThat(cases.get("step_sensor_bad_mode").asText()).contains("The mode must be one of");
    assertThat(cases.get("branch_misspelt_callable").asText()).startsWith("TypeError");
    assertThat(cases.get("branch_not_callable").asText())
        .contains("`python_callable` param must be callable");
  }
}
