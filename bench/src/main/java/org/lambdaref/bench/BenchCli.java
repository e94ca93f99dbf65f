package org.lambdaref.bench;

import org.lambdaref.config.UserErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/bench}: one command per benchmark, {@code all} to run them one after the other, and
 * {@code report} to turn the JSON results into {@code docs/benchmarks.md}'s tables and charts.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks of each layer against its peer; results as JSON under docs/benchmarks/results/.",
    subcommands = {
      BatchBenchCommand.class,
      ReplayBenchCommand.class,
      SpeedBenchCommand.class,
      ServeBenchCommand.class,
      CounterSinkBenchCommand.class,
      ServingMemoryBenchCommand.class,
      SqlBenchCommand.class,
      AllCommand.class,
      ReportCommand.class
    })
public final class BenchCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    // a failed benchmark says what failed and how to fix it, as bin/lambda does
    CommandLine cli = UserErrors.install(new CommandLine(new BenchCli()));
    System.exit(cli.execute(args));
  }
}
