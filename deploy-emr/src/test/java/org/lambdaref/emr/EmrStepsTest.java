package org.lambdaref.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.RunOptions;
import org.lambdaref.emr.EmrSteps.Mode;
import org.lambdaref.model.PlatformException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.StepConfig;

class EmrStepsTest {

  private static final PlatformConfig CONFIG = EmrFixture.config(Map.of());
  private static final RunArguments THIRTY_DAYS =
      new RunArguments(LocalDate.of(2026, 10, 1), 30, 1, "emr");

  /** The batch main's own options (the same mixins), to read a step's arguments back. */
  @Command(name = "batch")
  static final class BatchOptions {
    @Mixin ConfigOptions config;
    @Mixin RunOptions run;
  }

  private static RunArguments parsedBack(StepConfig step) {
    List<String> args = step.hadoopJarStep().args();
    int jar =
        args.indexOf(
            args.stream().filter(a -> a.endsWith(EmrSteps.BATCH_JAR)).findFirst().orElseThrow());
    BatchOptions options = new BatchOptions();
    new CommandLine(options).parseArgs(args.subList(jar + 1, args.size()).toArray(String[]::new));
    return options.run.toRunArguments(options.config.env());
  }

  private static List<LocalDate> days(List<StepConfig> steps) {
    List<LocalDate> out = new ArrayList<>();
    steps.forEach(s -> out.addAll(parsedBack(s).days()));
    return out;
  }

  @Test
  void singleModeIsOneLongApplicationOverTheWholeRange() {
    List<StepConfig> steps = EmrSteps.batch(CONFIG.emr(), THIRTY_DAYS, Mode.SINGLE);

    assertThat(steps).hasSize(1);
    StepConfig step = steps.get(0);
    assertThat(step.name()).isEqualTo(THIRTY_DAYS.applicationName(EmrSteps.BATCH_APP));
    assertThat(step.hadoopJarStep().jar()).isEqualTo("command-runner.jar");
    assertThat(step.hadoopJarStep().args())
        .startsWith("spark-submit", "--deploy-mode", "cluster")
        .contains(
            "--class",
            EmrSteps.BATCH_MAIN,
            "s3://acme-artifacts/lambda/0.1.0/" + EmrSteps.BATCH_JAR);
    assertThat(
            EmrApiRules.acceptsActionOnFailure(
                EmrCluster.stepConcurrencyLevel(CONFIG.emr()), step.actionOnFailure()))
        .as("EMR accepts %s on the cluster's StepConcurrencyLevel", step.actionOnFailure())
        .isTrue();
    assertThat(days(steps))
        .as("the days the batch layer itself replays for the same arguments")
        .isEqualTo(THIRTY_DAYS.days());
  }

  @Test
  void parallelModeIsOneApplicationRunningItsPeriodsSideBySide() {
    List<StepConfig> steps = EmrSteps.batch(CONFIG.emr(), THIRTY_DAYS, Mode.PARALLEL);

    assertThat(steps)
        .as("one application: a second would be refused by the lake's writer lease")
        .hasSize(1);
    RunArguments back = parsedBack(steps.get(0));
    assertThat(back.parallelism()).as("platform.emr.parallel-steps").isEqualTo(4);
    assertThat(days(steps))
        .as("in order, no day twice, none missing")
        .isEqualTo(THIRTY_DAYS.days());
    assertThat(back.env()).isEqualTo("emr");
  }

  @Test
  void anHourlyRangeInParallelModeStartsAtItsHour() {
    RunArguments hours = RunArguments.parse("2026-10-01T22", "6", null, "emr");
    List<StepConfig> steps = EmrSteps.batch(CONFIG.emr(), hours, Mode.PARALLEL);

    assertThat(steps).hasSize(1);
    assertThat(parsedBack(steps.get(0)).start().id()).isEqualTo("2026100122");
    assertThat(parsedBack(steps.get(0)).iterationCount()).isEqualTo(6);
    assertThat(parsedBack(steps.get(0)).parallelism()).isEqualTo(4);
  }

  @Test
  void fewerDaysThanParallelStepsRunThemAllAtOnce() {
    RunArguments two = new RunArguments(LocalDate.of(2026, 10, 1), 2, 1, "emr");
    assertThat(EmrSteps.ranges(two, Mode.PARALLEL, 4))
        .singleElement()
        .satisfies(r -> assertThat(r.parallelism()).isEqualTo(2))
        .satisfies(r -> assertThat(r.iterationCount()).isEqualTo(2));
  }

  /**
   * The driver of a step runs in a YARN container with no environment of the operator's and none of
   * the step's (HadoopJarStepConfig has Jar, Args, MainClass and Properties only: EMR API
   * reference, HadoopJarStepConfig), so each step names the overlay file and carries the operator's
   * overrides in its arguments, where the driver's own options read them back.
   */
  @Test
  void everyStepCarriesTheConfigurationItsDriverNeeds() {
    Map<String, String> overrides =
        Map.of("platform.spark.shuffle-partitions", "64", "platform.timezone", "Asia/Seoul");
    List<StepConfig> steps =
        new ArrayList<>(EmrSteps.batch(CONFIG.emr(), overrides, THIRTY_DAYS, Mode.SINGLE));
    steps.add(EmrSteps.speed(CONFIG.emr(), overrides, "emr"));
    for (StepConfig step : steps) {
      List<String> args = step.hadoopJarStep().args();
      int jar =
          args.indexOf(args.stream().filter(a -> a.endsWith(".jar")).findFirst().orElseThrow());
      BatchOptions back = new BatchOptions();
      new CommandLine(back)
          .setUnmatchedArgumentsAllowed(true)
          .parseArgs(args.subList(jar + 1, args.size()).toArray(String[]::new));
      assertThat(back.config.env()).isEqualTo("emr");
      assertThat(back.config.configUri())
          .as("the overlay next to the jars")
          .isEqualTo("s3://acme-artifacts/lambda/0.1.0/lambda.conf");
      assertThat(back.config.overrides()).isEqualTo(overrides);
    }
  }

  @Test
  void aSecretNeverTravelsInAStepsArguments() {
    for (String key :
        List.of(
            "platform.jdbc.password",
            "platform.s3.secret-key",
            "platform.spark.conf.\"spark.hadoop.fs.s3a.secret.key\"")) {
      assertThatThrownBy(
              () -> EmrSteps.batch(CONFIG.emr(), Map.of(key, "hunter2"), THIRTY_DAYS, Mode.SINGLE))
          .isInstanceOf(PlatformException.class)
          .hasMessageContaining(key)
          .hasMessageNotContaining("hunter2")
          .hasMessageContaining("DescribeStep");
    }
  }

  /**
   * The driver resolves the password; the steps rendered from the same configuration never hold it.
   */
  @Test
  void aResolvedSecretAppearsInNoStepAndNoConfigurationText() {
    PlatformConfig resolved =
        EmrFixture.config(
                Map.of(
                    "platform.jdbc.password-secret",
                    "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:prod/db-AbCdEf"))
            .withSecrets((key, ref) -> "pw-resolved-4471");
    List<StepConfig> steps =
        new ArrayList<>(EmrSteps.batch(resolved.emr(), THIRTY_DAYS, Mode.PARALLEL));
    steps.add(EmrSteps.speed(resolved.emr(), "emr"));
    assertThat(resolved.jdbc().password()).isEqualTo("pw-resolved-4471");
    assertThat(steps.toString()).doesNotContain("pw-resolved-4471");
    assertThat(EmrCluster.request(resolved, steps).toString()).doesNotContain("pw-resolved-4471");
    assertThat(resolved.toString()).doesNotContain("pw-resolved-4471");
  }

  @Test
  void stepsNeedTheArtifactsLocation() {
    PlatformConfig noArtifacts = EmrFixture.config(Map.of("platform.emr.artifacts-uri", ""));
    assertThatThrownBy(() -> EmrSteps.batch(noArtifacts.emr(), THIRTY_DAYS, Mode.SINGLE))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("artifacts-uri");
  }

  @Test
  void theSpeedLayerIsOneStepThatLeavesTheClusterUpWhenItFails() {
    StepConfig speed = EmrSteps.speed(CONFIG.emr(), "emr");
    assertThat(speed.hadoopJarStep().args())
        .contains("--class", EmrSteps.SPEED_MAIN)
        .contains("s3://acme-artifacts/lambda/0.1.0/" + EmrSteps.SPEED_JAR);
    assertThat(speed.actionOnFailure()).isEqualTo(ActionOnFailure.CONTINUE);
  }

  @Test
  void onTheClustersFourConcurrentStepsEveryStepContinuesOnFailureAsEmrRequires() {
    int level = EmrCluster.request(CONFIG, List.of()).stepConcurrencyLevel();
    assertThat(level).as("platform.emr.parallel-steps").isEqualTo(4);
    List<StepConfig> steps = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      steps.addAll(EmrSteps.batch(CONFIG.emr(), THIRTY_DAYS, mode));
    }
    steps.add(EmrSteps.speed(CONFIG.emr(), "emr"));
    assertThat(steps)
        .allSatisfy(
            s ->
                assertThat(EmrApiRules.acceptsActionOnFailure(level, s.actionOnFailure()))
                    .as(s.name() + ": " + s.actionOnFailureAsString())
                    .isTrue());
  }

  @Test
  void oneStepAtATimeABatchStepCancelsThoseQueuedBehindIt() {
    PlatformConfig serial = EmrFixture.config(Map.of("platform.emr.parallel-steps", "1"));
    StepConfig step = EmrSteps.batch(serial.emr(), THIRTY_DAYS, Mode.SINGLE).get(0);
    assertThat(step.actionOnFailure()).isEqualTo(ActionOnFailure.CANCEL_AND_WAIT);
    assertThat(EmrApiRules.acceptsActionOnFailure(1, step.actionOnFailure())).isTrue();
  }

  @Test
  void theValidatorRefusesExactlyWhatEmrRefuses() {
    for (int level : new int[] {1, 2, 4, 256}) {
      for (ActionOnFailure action : ActionOnFailure.knownValues()) {
        StepConfig step =
            EmrSteps.batch(CONFIG.emr(), THIRTY_DAYS, Mode.SINGLE).get(0).toBuilder()
                .actionOnFailure(action)
                .build();
        if (EmrApiRules.acceptsActionOnFailure(level, action)) {
          EmrSteps.validate(level, List.of(step));
        } else {
          assertThatThrownBy(() -> EmrSteps.validate(level, List.of(step)))
              .as("level %d, %s", level, action)
              .isInstanceOf(PlatformException.class)
              .hasMessageContaining(action.toString())
              .hasMessageContaining("StepConcurrencyLevel " + level)
              .hasMessageContaining("only CONTINUE")
              .hasMessageContaining("platform.emr.parallel-steps = 1");
        }
      }
    }
  }

  @Test
  void aClusterDefinitionWithARefusedStepIsRefusedBeforeItIsSent() {
    StepConfig cancel =
        EmrSteps.batch(CONFIG.emr(), THIRTY_DAYS, Mode.SINGLE).get(0).toBuilder()
            .actionOnFailure(ActionOnFailure.CANCEL_AND_WAIT)
            .build();
    assertThatThrownBy(() -> EmrCluster.request(CONFIG, List.of(cancel)))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("CANCEL_AND_WAIT");
  }
}
