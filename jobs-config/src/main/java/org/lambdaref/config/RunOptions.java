package org.lambdaref.config;

import picocli.CommandLine.Option;

/**
 * The shared batch run options as a picocli mixin, so that every job's {@code main} and the CLI
 * read them the same way, environment variable fallbacks included.
 */
public final class RunOptions {

  @Option(
      names = "--start-date",
      paramLabel = "YYYY-MM-DD[THH]",
      defaultValue = "${env:START_DATE}",
      description =
          "First period to process: a day, or an hour (2019-06-08T15) for sources cut into hours (env START_DATE).")
  String startDate;

  @Option(
      names = "--iteration-count",
      paramLabel = "N",
      defaultValue = "${env:ITERATION_COUNT:-1}",
      description =
          "Number of consecutive periods, in one application (env ITERATION_COUNT; default ${DEFAULT-VALUE}).")
  String iterationCount;

  @Option(
      names = "--parallelism",
      paramLabel = "P",
      defaultValue = "${env:PARALLELISM:-1}",
      description = "Periods processed at once inside the application (default ${DEFAULT-VALUE}).")
  String parallelism;

  /** Whether a start date was given (option or START_DATE); commands where it is optional ask. */
  public boolean hasStartDate() {
    return startDate != null && !startDate.isBlank();
  }

  public RunArguments toRunArguments(String env) {
    return RunArguments.parse(startDate, iterationCount, parallelism, env);
  }
}
