package org.lambdaref.emr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lambdaref.config.Endpoints.EmrSettings;
import org.lambdaref.config.RunArguments;
import org.lambdaref.model.PlatformException;
import software.amazon.awssdk.services.emr.model.ActionOnFailure;
import software.amazon.awssdk.services.emr.model.HadoopJarStepConfig;
import software.amazon.awssdk.services.emr.model.StepConfig;

/**
 * The EMR steps of a batch replay or of the speed layer, as the SDK's {@link StepConfig}s: each is
 * a {@code spark-submit} through {@code command-runner.jar} of a layer's EMR jar.
 *
 * <p>{@link Mode#SINGLE} runs the whole range in one application: one long step that pays Spark's
 * start-up and the cold Delta reads once, as the notes advise when the rerun is not urgent.
 * {@link Mode#PARALLEL} splits the range into contiguous chunks, one step each, run side by side
 * (the cluster's step concurrency): a faster recovery for more cluster time.
 */
public final class EmrSteps {

  public static final String BATCH_MAIN = "org.lambdaref.batch.BatchMain";
  public static final String SPEED_MAIN = "org.lambdaref.speed.SpeedMain";
  public static final String BATCH_JAR = "batch-layer-emr.jar";
  public static final String SPEED_JAR = "speed-layer-emr.jar";
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
        throw new PlatformException("Unknown --mode '" + value + "'", "the modes are single and parallel",
            "use --mode single (one long application) or --mode parallel (K steps side by side)");
      }
    }
  }

  private EmrSteps() {}

  /** The ranges each step of {@code mode} replays, in order, covering {@code args} exactly once. */
  public static List<RunArguments> ranges(RunArguments args, Mode mode, int parallelSteps) {
    if (mode == Mode.SINGLE) {
      return List.of(args);
    }
    int steps = Math.min(parallelSteps, args.iterationCount());
    List<RunArguments> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < steps; i++) {
      // the first (N mod K) chunks get one period more: sizes differ by at most one
      int size = args.iterationCount() / steps + (i < args.iterationCount() % steps ? 1 : 0);
      out.add(new RunArguments(args.start().plus(start), size, 1, args.env()));
      start += size;
    }
    return out;
  }

  /** The batch steps of a replay. */
  public static List<StepConfig> batch(EmrSettings emr, RunArguments args, Mode mode) {
    List<StepConfig> steps = new ArrayList<>();
    for (RunArguments range : ranges(args, mode, emr.parallelSteps())) {
      List<String> submit = sparkSubmit(emr, BATCH_MAIN, range.applicationName(BATCH_APP), BATCH_JAR);
      submit.addAll(List.of("--env", range.env(), "--start-date", range.start().toString(),
          "--iteration-count", Integer.toString(range.iterationCount())));
      steps.add(StepConfig.builder()
          .name(range.applicationName(BATCH_APP))
          // a failed period is in the ledger and --resume reruns it; the other steps go on
          .actionOnFailure(mode == Mode.PARALLEL ? ActionOnFailure.CONTINUE : ActionOnFailure.CANCEL_AND_WAIT)
          .hadoopJarStep(HadoopJarStepConfig.builder().jar("command-runner.jar").args(submit).build())
          .build());
    }
    return steps;
  }

  /** The speed layer as a long-running step (it restarts itself from its checkpoint on failures). */
  public static StepConfig speed(EmrSettings emr, String env) {
    List<String> submit = sparkSubmit(emr, SPEED_MAIN, "PlaceEventSpeed_" + env.toUpperCase(Locale.ROOT), SPEED_JAR);
    submit.addAll(List.of("--env", env));
    return StepConfig.builder()
        .name("PlaceEventSpeed_" + env.toUpperCase(Locale.ROOT))
        .actionOnFailure(ActionOnFailure.CONTINUE)
        .hadoopJarStep(HadoopJarStepConfig.builder().jar("command-runner.jar").args(submit).build())
        .build();
  }

  private static List<String> sparkSubmit(EmrSettings emr, String mainClass, String appName, String jar) {
    if (emr.artifactsUri().isBlank()) {
      throw new PlatformException("platform.emr.artifacts-uri is not set",
          "the steps spark-submit the layers' EMR jars from S3",
          "upload the jars (docs/deploy-emr.md, step 3) and set LAMBDA_EMR_ARTIFACTS_URI=s3://<bucket>/artifacts/<version>");
    }
    return new ArrayList<>(List.of("spark-submit",
        "--deploy-mode", "cluster",
        "--name", appName,
        "--class", mainClass,
        // a failed driver is a failed step: the ledger and --resume handle the rerun, not YARN.
        // Java 17's --add-opens come from spark-submit itself (Spark 3.3+), nothing to add here
        "--conf", "spark.yarn.maxAppAttempts=1",
        emr.artifactsUri().replaceAll("/+$", "") + "/" + jar));
  }
}
