package org.lambdaref.emr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lambdaref.config.ConfigKeys;
import org.lambdaref.model.PlatformException;

/**
 * The one place where a rendered EMR step is changed to run on the rehearsal's standalone cluster
 * ({@code bin/lambda emr rehearse}). Everything else of the step (jar, main class, name, deploy
 * mode, program arguments) is kept as {@link EmrSteps} renders it, and each change is listed with
 * what stands in for it on EMR:
 *
 * <ul>
 *   <li>{@code --master spark://...} after {@code spark-submit}: EMR's {@code spark-defaults} say
 *       {@code spark.master=yarn};
 *   <li>the jar's {@code s3://} URI becomes {@code s3a://}, at which the rehearsal has uploaded the
 *       jar the build made: the worker fetches it from there as an EMR node fetches it;
 *   <li>{@code --conf key=value} program arguments for what the step's environment and the cluster
 *       give it on EMR (the lake, the endpoints, the credentials of the instance profile);
 *   <li>any other {@code s3://} argument becomes {@code s3a://} (EMRFS's scheme; S3A's here);
 *   <li>{@code --supervise} when asked: standalone's driver restart, standing in for YARN's
 *       application attempts.
 * </ul>
 *
 * <p>YARN-only settings ({@code spark.yarn.*}) are kept and listed: standalone ignores them.
 */
public final class RehearsalRewrite {

  /** Where a step runs in the rehearsal. */
  public record Target(
      String masterUrl, Map<String, Path> jars, Map<String, String> conf, boolean supervise) {}

  /** The environment the rehearsed steps load: {@code env/rehearsal.conf}. */
  public static final String REHEARSAL_ENV = "rehearsal";

  /** The command to run and what was changed, one line per change. */
  public record Rewritten(List<String> command, List<String> changes) {}

  private RehearsalRewrite() {}

  public static Rewritten rewrite(List<String> stepArgs, Target target) {
    if (stepArgs.isEmpty() || !stepArgs.get(0).equals("spark-submit")) {
      throw new PlatformException(
          "The step is not a spark-submit: " + stepArgs,
          "the rehearsal runs the spark-submit steps EmrSteps renders",
          "render the step with EmrSteps.batch or EmrSteps.speed");
    }
    List<String> changes = new ArrayList<>();
    List<String> out = new ArrayList<>();
    out.add("spark-submit");
    changes.add(
        "spark-submit: the cluster's $SPARK_HOME/bin/spark-submit, first on PATH (EMR: the node's)");
    out.add("--master");
    out.add(target.masterUrl());
    changes.add(
        "added --master " + target.masterUrl() + " (EMR: spark.master=yarn in spark-defaults)");
    if (target.supervise()) {
      out.add("--supervise");
      changes.add(
          "added --supervise: the worker restarts a failed driver (EMR: YARN application attempts)");
    }
    int jarIndex = appJarIndex(stepArgs);
    for (int i = 1; i < stepArgs.size(); i++) {
      String arg = stepArgs.get(i);
      if (i == jarIndex) {
        String name = arg.substring(arg.lastIndexOf('/') + 1);
        Path jar = target.jars().get(name);
        if (jar == null) {
          throw new PlatformException(
              "No built jar for the step's " + arg,
              "the rehearsal knows " + target.jars().keySet(),
              "build the EMR jars: ./mvnw -B -ntp package -DskipTests");
        }
        String s3a = arg.replace("s3://", "s3a://");
        out.add(s3a);
        changes.add(
            "jar "
                + arg
                + " -> "
                + s3a
                + " (EMRFS's s3 scheme; the rehearsal uploaded "
                + jar.getFileName()
                + " there, the worker fetches it as an EMR node does)");
      } else if (arg.equals("emr") && stepArgs.get(i - 1).equals("--env")) {
        out.add(REHEARSAL_ENV);
        changes.add(
            "--env emr -> --env "
                + REHEARSAL_ENV
                + " (the same overlay and checks, but loopback endpoints allowed: the local stack"
                + " stands in for MSK, DynamoDB and RDS)");
      } else if (arg.startsWith("spark.yarn.")) {
        out.add(arg);
        changes.add("kept " + arg + ": YARN only, the standalone master ignores it");
      } else if (arg.contains("s3://")) {
        String s3a = arg.replace("s3://", "s3a://");
        out.add(s3a);
        changes.add(arg + " -> " + s3a + " (EMRFS's s3 scheme; S3A on the local S3 server)");
      } else {
        out.add(arg);
      }
    }
    target
        .conf()
        .forEach(
            (key, value) -> {
              out.add("--conf");
              out.add(key + "=" + value);
              changes.add(
                  "added program argument --conf "
                      + key
                      + "="
                      + (ConfigKeys.isSecret(key) ? "****" : value)
                      + " (EMR: the step's environment, the cluster and its instance profile)");
            });
    return new Rewritten(List.copyOf(out), List.copyOf(changes));
  }

  /** The application jar: the first argument after spark-submit's options that names a jar. */
  static int appJarIndex(List<String> args) {
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith("--")) {
        i++; // every spark-submit option the steps use takes a value
      } else if (arg.endsWith(".jar")) {
        return i;
      }
    }
    throw new PlatformException(
        "The step names no application jar: " + args,
        "EmrSteps renders spark-submit ... <jar> <program arguments>",
        "render the step with EmrSteps");
  }
}
