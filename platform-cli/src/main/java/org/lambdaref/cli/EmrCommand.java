package org.lambdaref.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.EmrSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.RunOptions;
import org.lambdaref.emr.EmrCluster;
import org.lambdaref.emr.EmrSteps;
import org.lambdaref.emr.EmrSubmitter;
import org.lambdaref.emr.IamPolicy;
import org.lambdaref.model.Errors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.emr.model.RunJobFlowRequest;
import software.amazon.awssdk.services.emr.model.StepConfig;

@Command(
    name = "emr",
    mixinStandardHelpOptions = true,
    description = {
      "Print or send an Amazon EMR cluster and the steps of a replay.",
      "See docs/deploy-emr.md."
    },
    subcommands = {
      EmrCommand.Plan.class,
      EmrCommand.Cluster.class,
      EmrCommand.Submit.class,
      EmrCommand.Policy.class,
      EmrCommand.Rehearse.class
    })
final class EmrCommand implements Runnable {

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this),
        "say what: emr plan, emr cluster, emr submit, emr policy or emr rehearse");
  }

  /** Options shared by the commands that build steps. */
  static final class StepOptions {
    @Mixin RunOptions runOptions;

    @Option(
        names = "--mode",
        defaultValue = "single",
        description =
            "single: one application over the range, a period at a time; parallel: the same application with platform.emr.parallel-steps periods at a time"
                + " (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--with-speed", description = "Add the speed layer's long-running step.")
    boolean withSpeed;

    /**
     * The steps, each with the configuration its driver needs: the overlay file (planned from an S3
     * copy, that copy; else platform.emr.config-uri) and this command's own overrides.
     */
    List<StepConfig> steps(PlatformConfig config, ConfigOptions options) {
      String env = options.env();
      RunArguments args = runOptions.toRunArguments(env);
      EmrSettings emr = config.emr();
      if (emr.configUri().isEmpty() && options.configUri().matches("s3a?://.+")) {
        emr = emr.withConfigUri(options.configUri());
      }
      Map<String, String> overrides = options.explicitOverrides();
      List<StepConfig> steps =
          new ArrayList<>(EmrSteps.batch(emr, overrides, args, EmrSteps.Mode.parse(mode)));
      if (withSpeed) {
        steps.add(EmrSteps.speed(emr, overrides, env));
      }
      return steps;
    }
  }

  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = {
        "Print the EMR steps of a replay and the periods each covers.",
        "Each step is shown as its spark-submit arguments."
      })
  static final class Plan implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;
    @Mixin StepOptions stepOptions;

    @Override
    public Integer call() {
      PlatformConfig config = configOptions.loadUnresolved();
      Console console = Console.stdout();
      List<StepConfig> steps = stepOptions.steps(config, configOptions);
      List<RunArguments> ranges =
          EmrSteps.ranges(
              stepOptions.runOptions.toRunArguments(configOptions.env()),
              EmrSteps.Mode.parse(stepOptions.mode),
              config.emr().parallelSteps());
      for (int i = 0; i < steps.size(); i++) {
        StepConfig s = steps.get(i);
        String days =
            i < ranges.size()
                ? ranges.get(i).start()
                    + " .. "
                    + ranges.get(i).start().plus(ranges.get(i).iterationCount() - 1L)
                    + " ("
                    + ranges.get(i).iterationCount()
                    + (ranges.get(i).start().isHour() ? " hours)" : " days)")
                : "until stopped";
        console.line(
            "step %d: %s  [%s, on failure %s]", i + 1, s.name(), days, s.actionOnFailureAsString());
        console.line("  %s", String.join(" ", s.hadoopJarStep().args()));
      }
      return 0;
    }
  }

  @Command(
      name = "cluster",
      mixinStandardHelpOptions = true,
      description = {
        "Print the EMR cluster of this configuration for creating it.",
        "Prints it (with the steps of a replay when --start-date is given) as 'aws emr"
            + " create-cluster' arguments or as the SDK request in JSON."
      })
  static final class Cluster implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;
    @Mixin StepOptions stepOptions;

    @Option(
        names = "--format",
        defaultValue = "cli",
        description =
            "cli, or json: the RunJobFlow request in the API's own shape, as boto3's run_job_flow"
                + " and Airflow's job_flow_overrides take it (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() throws Exception {
      PlatformConfig config = configOptions.loadUnresolved();
      List<StepConfig> steps =
          !stepOptions.runOptions.hasStartDate()
              ? List.of()
              : stepOptions.steps(config, configOptions);
      RunJobFlowRequest request = EmrCluster.request(config, steps);
      if (format.equals("json")) {
        System.out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(EmrCluster.apiJson(request)));
      } else {
        List<String> cli = EmrCluster.createClusterCli(request);
        // "aws emr create-cluster", then one option and its value per line, shell-quoted
        StringBuilder out = new StringBuilder(String.join(" ", cli.subList(0, 3)));
        for (String a : cli.subList(3, cli.size())) {
          String quoted =
              a.matches("[A-Za-z0-9_./:=,@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'";
          out.append(a.startsWith("--") ? " \\\n  " : " ").append(quoted);
        }
        System.out.println(out);
      }
      return 0;
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Send the steps of a replay to a new or a running EMR cluster.",
        "Adds them to a running cluster (--cluster-id), or starts a cluster that runs them and"
            + " terminates. Needs AWS credentials; fails fast without them."
      })
  static final class Submit implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;
    @Mixin StepOptions stepOptions;

    @Option(
        names = "--cluster-id",
        description = "A running cluster (j-...); without it a new cluster is started.")
    String clusterId;

    @Override
    public Integer call() {
      PlatformConfig config = configOptions.loadUnresolved();
      List<StepConfig> steps = stepOptions.steps(config, configOptions);
      try (EmrSubmitter emr = EmrSubmitter.connect(config.emr())) {
        if (clusterId == null) {
          System.out.println(
              "started cluster " + emr.runJobFlow(EmrCluster.request(config, steps)));
        } else {
          System.out.println("added steps " + emr.addSteps(clusterId, steps) + " to " + clusterId);
        }
      }
      return 0;
    }
  }

  @Command(
      name = "policy",
      mixinStandardHelpOptions = true,
      description = {
        "Print a least-privilege IAM policy for this configuration.",
        "The policy of the EMR job role, or of the principal that submits clusters and steps."
      })
  static final class Policy implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;

    @Option(
        names = "--account-id",
        required = true,
        description = "The AWS account id (12 digits).")
    String accountId;

    @Option(
        names = "--principal",
        defaultValue = "job-role",
        description =
            "job-role: the nodes' instance profile role; submitter: who runs 'emr submit', Airflow's"
                + " aws_default or the Digdag host's role (default ${DEFAULT-VALUE}).")
    String principal;

    @Override
    public Integer call() throws Exception {
      if (!accountId.matches("\\d{12}")) {
        throw Errors.badArgument("--account-id", accountId, "a 12-digit AWS account id");
      }
      PlatformConfig config = configOptions.loadUnresolved();
      Object policy =
          switch (principal) {
            case "job-role" -> IamPolicy.document(config, accountId);
            case "submitter" -> IamPolicy.submitter(config, accountId);
            default -> throw Errors.badArgument("--principal", principal, "job-role or submitter");
          };
      System.out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(policy));
      return 0;
    }
  }

  @Command(
      name = "rehearse",
      mixinStandardHelpOptions = true,
      description = {
        "Rehearse the EMR steps on a Spark standalone cluster.",
        "Runs the steps 'emr plan' renders, unchanged but for what it lists, on a Spark standalone"
            + " cluster of this machine (a master and two workers, drivers placed on workers by"
            + " --deploy-mode cluster, executors in their own JVMs) against the local stack, then"
            + " compares every table and the ledger with a local-mode run of the same generated"
            + " input. Use --env emr (docs/deploy-emr.md, Rehearsal)."
      })
  static final class Rehearse implements Callable<Integer> {
    @Mixin ConfigOptions configOptions;
    @Mixin StepOptions stepOptions;

    @Option(
        names = "--events-per-day",
        defaultValue = "2000",
        description = "Distinct generated events per day (default ${DEFAULT-VALUE}).")
    int eventsPerDay;

    @Option(
        names = "--run-dir",
        description =
            "Where the stack, the cluster and the logs go (default: <work-dir>/rehearsal/<time>).")
    Path runDir;

    @Override
    public Integer call() {
      // the steps need an artifacts prefix to name the jars; the rehearsal replaces it anyway
      // the steps are only rendered here (never run with these endpoints): no secret is resolved
      PlatformConfig config =
          configOptions.loadUnresolved(
              Map.of("platform.emr.artifacts-uri", "s3://rehearsal-artifacts/lambda"));
      Path dir =
          runDir != null
              ? runDir
              : config
                  .workDir()
                  .resolve("rehearsal")
                  .resolve(Long.toString(System.currentTimeMillis()));
      Console console = Console.stdout();
      EmrRehearsal.Result result =
          EmrRehearsal.run(
              new EmrRehearsal.Settings(
                  config,
                  stepOptions.runOptions.toRunArguments(configOptions.env()),
                  EmrSteps.Mode.parse(stepOptions.mode),
                  stepOptions.withSpeed,
                  eventsPerDay,
                  dir,
                  Path.of(System.getProperty("lambda.home", "..")).toAbsolutePath().normalize()),
              console);
      EmrRehearsal.print(result, console);
      return result.passed() ? 0 : 1;
    }
  }
}
