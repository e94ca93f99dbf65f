package org.lambdaref.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.batch.CollectJob;
import org.lambdaref.batch.IngestWindow;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.RunOptions;
import org.lambdaref.config.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Run batch jobs over consecutive days in ONE Spark application (a replay of a date range).",
      "Available now: --job collect (raw -> t1 events, quarantine, late; ledger in ops.batch_ledger)."
    })
final class BatchCommand implements Callable<Integer> {

  @Mixin ConfigOptions configOptions;
  @Mixin RunOptions runOptions;

  @Option(names = "--job", defaultValue = "collect", description = "Job to run: collect (default ${DEFAULT-VALUE}).")
  String job;

  @Option(names = "--source", defaultValue = "place_event", description = "Raw source (default ${DEFAULT-VALUE}).")
  String source;

  @Override
  public Integer call() {
    if (!List.of("collect", "all").contains(job)) {
      throw org.lambdaref.model.Errors.badArgument("--job", job, "collect (t2 and t3 jobs are not built yet)");
    }
    PlatformConfig config = configOptions.load();
    RunArguments args = runOptions.toRunArguments(configOptions.env());
    return run(config, args, Console.stdout());
  }

  BatchCommand withSource(String sourceName) {
    this.source = sourceName;
    return this;
  }

  int run(PlatformConfig config, RunArguments args, Console console) {
    SparkSession spark = SparkSessions.getOrCreate(config, args.applicationName("PlaceEventCollect"));
    CollectJob collect = new CollectJob(spark, config, source);
    console.line("%s: %d period(s) from %s", args.applicationName("PlaceEventCollect"), args.iterationCount(), args.startDate());
    long started = System.nanoTime();
    int failed = 0;
    int n = 0;
    for (LocalDate day : args.days()) {
      n++;
      IngestWindow window = IngestWindow.of(day, config.timezone(), config.source(source));
      if (!window.isClosedAt(java.time.Instant.now())) {
        // a run before the close would miss lines that are still allowed to arrive
        console.line("    %s: skipped, still open until %s (allowed lateness %s)", day, window.close(),
            config.source(source).allowedLateness());
        continue;
      }
      try {
        CollectJob.Counts c = collect.run(day);
        console.line("    %s: read %d, owned %d = accepted %d + duplicates %d + late %d + rejected %d",
            day, c.linesRead(), c.owned(), c.accepted(), c.duplicates(), c.late(), c.rejected());
      } catch (RuntimeException e) {
        failed++;
        console.line("    %s: FAILED: %s", day, e.getMessage());
      }
      console.progress("periods", n, args.iterationCount(), started);
    }
    if (failed > 0) {
      console.line("%d of %d periods failed; the ledger (ops.batch_ledger) has the causes", failed, args.iterationCount());
      return 1;
    }
    return 0;
  }
}
