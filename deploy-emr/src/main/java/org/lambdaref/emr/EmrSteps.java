package org.lambdaref.emr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.lambdaref.config.ConfigKeys;
import org.lambdaref.config.EmrSettings;
import org.lambdaref.config.RunArguments;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformException;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.HadoopJarStepConfig;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * The EMR steps of a batch replay or of the speed layer, as the SDK's {@link StepConfig}s: each is
 * a {@code spark-submit} through {@code command-runner.jar} of a layer's EMR jar.
 *
 * <p>{@link Mode#SINGLE} runs the whole range in one application: one long step that pays Spark's
 * start-up and the cold Delta reads once, as the notes advise when the rerun is not urgent. {@link
 * Mode#PARALLEL} is the same single application with {@code --parallelism
 * platform.emr.parallel-steps}: its periods run side by side inside it, a faster recovery for more
 * executors. It is not several applications: those would commit to the same Delta tables from
 * several drivers, which Delta's default S3 log store does not make safe, and the batch's writer
 * lease refuses a second application on a lake.
 */
public final class EmrSteps {

  public static final String BATCH_MAIN = "org.lambdaref.batch.BatchMain";
  public static final String SPEED_MAIN = "org.lambdaref.speed.SpeedMain";
  public static final String BATCH_JAR = "batch-layer-emr.jar";
  public static final String SPEED_JAR = "speed-layer-emr.jar";

  /**
   * YARN attempts of the speed driver: a lost driver (its node gone, the JVM killed) is restarted
   * by YARN in a new ApplicationMaster attempt, which resumes from the query's S3 checkpoint and
   * waits out the dead driver's writer lease (at most platform.speed.writer-lease-ttl) before it
   * writes. {@link EmrCluster} raises YARN's own cap, {@code yarn.resourcemanager.am.max-attempts},
   * to this: YARN uses the global value instead of a larger per-application one (RMAppImpl).
   */
  public static final int SPEED_MAX_APP_ATTEMPTS = 4;

  /**
   * Only the speed driver's failures of the last hour count towards {@link #SPEED_MAX_APP_ATTEMPTS}
   * (spark.yarn.am.attemptFailuresValidityInterval): a rare loss is survived however long the query
   * has run, a driver that keeps failing (a bad release, a broken configuration) fails the step
   * within the hour.
   */
  public static final String SPEED_ATTEMPT_FAILURES_VALIDITY = "1h";

  /** Application names as the notes spell them: PlaceImpression_30Range_20190508_PROD. */
  public static final String BATCH_APP = "PlaceImpression";

  /** How a replay is spread over steps. */
  public enum Mode {
    SINGLE,
    PARALLEL;

    public static Mode parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw Errors.badArgument(
            "--mode",
            value,
            "single (one application, one period at a time) or parallel (one application,"
                + " platform.emr.parallel-steps periods at a time)");
      }
    }
  }

  private EmrSteps() {}

  /**
   * What a batch step does on failure on a cluster running {@code stepConcurrencyLevel} steps at
   * once. EMR accepts only {@code CONTINUE} when the level is above 1 (StepConfig.ActionOnFailure
   * in the EMR API reference): with one step at a time, {@code CANCEL_AND_WAIT} cancels the steps
   * queued behind a failed one and leaves the cluster waiting.
   */
  public static ActionOnFailure onFailure(int stepConcurrencyLevel) {
    return stepConcurrencyLevel > 1 ? ActionOnFailure.CONTINUE : ActionOnFailure.CANCEL_AND_WAIT;
  }

  /**
   * Refuses what EMR would refuse: a step whose {@code ActionOnFailure} is not {@code CONTINUE} on
   * a cluster whose {@code StepConcurrencyLevel} is above 1 ("You cannot add a step with an
   * ActionOnFailure other than CONTINUE while the step concurrency level of the cluster is greater
   * than 1", EMR Management Guide, emr-concurrent-steps; AddJobFlowSteps fails the call).
   */
  public static void validate(int stepConcurrencyLevel, List<StepConfig> steps) {
    if (stepConcurrencyLevel <= 1) {
      return;
    }
    for (StepConfig s : steps) {
      if (s.actionOnFailure() != ActionOnFailure.CONTINUE) {
        throw new PlatformException(
            "Step '"
                + s.name()
                + "' has ActionOnFailure "
                + s.actionOnFailureAsString()
                + " on a cluster with StepConcurrencyLevel "
                + stepConcurrencyLevel,
            "EMR accepts only CONTINUE while more than one step may run at once; it refuses the"
                + " step (AddJobFlowSteps / RunJobFlow: the ActionOnFailure setting is not valid)",
            "use ActionOnFailure CONTINUE for the step, or run the cluster one step at a time"
                + " (platform.emr.parallel-steps = 1)");
      }
    }
  }

  /**
   * The ranges each step of {@code mode} replays, in order, covering {@code args} exactly once: one
   * range in either mode; {@link Mode#PARALLEL} runs up to {@code parallelSteps} of its periods at
   * once inside the application.
   */
  public static List<RunArguments> ranges(RunArguments args, Mode mode, int parallelSteps) {
    int parallelism =
        mode == Mode.PARALLEL ? Math.max(1, Math.min(parallelSteps, args.iterationCount())) : 1;
    return List.of(new RunArguments(args.start(), args.iterationCount(), parallelism, args.env()));
  }

  /** The batch steps of a replay, with the deployment's overlay file and no further overrides. */
  public static List<StepConfig> batch(EmrSettings emr, RunArguments args, Mode mode) {
    return batch(emr, Map.of(), args, mode);
  }

  /**
   * The batch steps of a replay. Each names the deployment's overlay file ({@code --config-uri
   * platform.emr.config-uri}) and carries {@code overrides} (what the operator set on top of it,
   * {@code CONFIG_FORCE_*} and {@code --conf}) as {@code --conf} arguments: the driver runs in a
   * YARN container of the cluster, where no environment variable of the operator's and no file of
   * their machine exists, and a step has no environment of its own (HadoopJarStepConfig: Jar, Args,
   * MainClass, Properties).
   */
  public static List<StepConfig> batch(
      EmrSettings emr, Map<String, String> overrides, RunArguments args, Mode mode) {
    ActionOnFailure onFailure = onFailure(EmrCluster.stepConcurrencyLevel(emr));
    List<StepConfig> steps = new ArrayList<>();
    for (RunArguments range : ranges(args, mode, emr.parallelSteps())) {
      // one YARN attempt: a failed driver is a failed step, and the scheduler's rerun (with
      // --resume, or the same session again) redoes only what the ledger lacks. A second attempt
      // by YARN would rerun the whole range from its start (it has no --resume), would repeat a
      // failure that is deterministic (bad input, a broken configuration) at the cost of another
      // full replay, and would keep the scheduler's sensor or wait loop waiting meanwhile
      List<String> submit =
          sparkSubmit(
              emr,
              BATCH_MAIN,
              range.applicationName(BATCH_APP),
              List.of("spark.yarn.maxAppAttempts=1"),
              BATCH_JAR);
      submit.addAll(driverConfiguration(emr, range.env(), overrides));
      submit.addAll(
          List.of(
              "--start-date",
              range.start().toString(),
              "--iteration-count",
              Integer.toString(range.iterationCount())));
      if (range.parallelism() > 1) {
        submit.addAll(List.of("--parallelism", Integer.toString(range.parallelism())));
      }
      steps.add(
          StepConfig.builder()
              .name(range.applicationName(BATCH_APP))
              .actionOnFailure(onFailure)
              .hadoopJarStep(
                  HadoopJarStepConfig.builder().jar("command-runner.jar").args(submit).build())
              .build());
    }
    return steps;
  }

  /**
   * The speed layer as a long-running step. Inside the driver the query restarts itself from its
   * checkpoint (platform.speed.restart-attempts); the loss of the driver itself is survived by
   * YARN, which starts a new attempt of it ({@link #SPEED_MAX_APP_ATTEMPTS} within {@link
   * #SPEED_ATTEMPT_FAILURES_VALIDITY}) while the step goes on running.
   */
  public static StepConfig speed(EmrSettings emr, String env) {
    return speed(emr, Map.of(), env);
  }

  /** The same, with {@code overrides} as {@code --conf} arguments (see {@link #batch}). */
  public static StepConfig speed(EmrSettings emr, Map<String, String> overrides, String env) {
    List<String> submit =
        sparkSubmit(
            emr,
            SPEED_MAIN,
            "PlaceEventSpeed_" + env.toUpperCase(Locale.ROOT),
            List.of(
                "spark.yarn.maxAppAttempts=" + SPEED_MAX_APP_ATTEMPTS,
                "spark.yarn.am.attemptFailuresValidityInterval=" + SPEED_ATTEMPT_FAILURES_VALIDITY),
            SPEED_JAR);
    submit.addAll(driverConfiguration(emr, env, overrides));
    return StepConfig.builder()
        .name("PlaceEventSpeed_" + env.toUpperCase(Locale.ROOT))
        .actionOnFailure(ActionOnFailure.CONTINUE)
        .hadoopJarStep(HadoopJarStepConfig.builder().jar("command-runner.jar").args(submit).build())
        .build();
  }

  /**
   * The arguments that give the driver its configuration: {@code --env}, {@code --config-uri} and
   * one {@code --conf key=value} per override, in order. A secret is refused: step arguments are
   * shown by the console and DescribeStep to anyone allowed to list steps.
   */
  static List<String> driverConfiguration(
      EmrSettings emr, String env, Map<String, String> overrides) {
    List<String> args = new ArrayList<>(List.of("--env", env));
    String uri = emr.driverConfigUri();
    if (!uri.isEmpty()) {
      args.addAll(List.of("--config-uri", uri));
    }
    for (Map.Entry<String, String> o : new TreeMap<>(overrides).entrySet()) {
      if (ConfigKeys.isSecret(o.getKey())) {
        throw new PlatformException(
            "The step would carry the secret " + o.getKey() + " in its arguments",
            "step arguments are stored with the step and shown by the EMR console, DescribeStep"
                + " and ListSteps to anyone allowed to read steps, and land in the driver's logs",
            "leave "
                + o.getKey()
                + " unset for the step: on EMR the instance profile gives the AWS credentials, and a"
                + " password comes by reference from AWS Secrets Manager or SSM Parameter Store,"
                + " resolved on the driver (platform.jdbc.password-secret = \"arn:aws:secretsmanager:...\";"
                + " docs/deploy-emr.md, step 6)");
      }
      args.addAll(List.of("--conf", o.getKey() + "=" + o.getValue()));
    }
    return args;
  }

  private static List<String> sparkSubmit(
      EmrSettings emr, String mainClass, String appName, List<String> yarnConf, String jar) {
    if (emr.artifactsUri().isBlank()) {
      throw new PlatformException(
          "platform.emr.artifacts-uri is not set",
          "the steps spark-submit the layers' EMR jars from S3",
          "upload the jars (docs/deploy-emr.md, step 3) and set LAMBDA_EMR_ARTIFACTS_URI=s3://<bucket>/artifacts/<version>");
    }
    // Java 17's --add-opens come from spark-submit itself (Spark 3.3+), nothing to add here
    List<String> out =
        new ArrayList<>(
            List.of(
                "spark-submit",
                "--deploy-mode",
                "cluster",
                "--name",
                appName,
                "--class",
                mainClass));
    for (String c : yarnConf) {
      out.addAll(List.of("--conf", c));
    }
    out.add(emr.artifactsUri().replaceAll("/+$", "") + "/" + jar);
    return out;
  }
}
