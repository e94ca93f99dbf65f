package org.lambdaref.batch;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.lambdaref.config.ConfigOptions;
import org.lambdaref.config.Console;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.config.RunArguments;
import org.lambdaref.config.RunOptions;
import org.lambdaref.config.SparkSessions;
import org.lambdaref.config.UserErrors;
import org.lambdaref.counters.WriterLease;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Period;
import org.lambdaref.model.PlatformTables;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/lambda batch}, and the main class of the batch layer's EMR step ({@code spark-submit
 * --class org.lambdaref.batch.BatchMain batch-layer-emr.jar --start-date D --iteration-count N}).
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a range of periods through the batch layer (t1 to t3).",
      "Rebuilds t1 -> t2 -> t3 for consecutive periods in ONE Spark application: collect (raw ->"
          + " t1), snapshot (place master -> t1_db), enrich (t2), aggregate (t3), export (JDBC).",
      "Periods are days, or hours for a source with period = hour (--start-date 2019-06-08T15 counts hours).",
      "Periods that have not closed yet (end + allowed lateness) are skipped. Exit code 1 if any period failed."
    })
public final class BatchMain implements Callable<Integer> {

  public static final String APP_NAME = "PlaceImpression";

  @Mixin ConfigOptions configOptions;
  @Mixin RunOptions runOptions;

  @Option(
      names = "--job",
      defaultValue = "all",
      description =
          "all, or one or more (comma-separated) of collect, snapshot, enrich, aggregate, export (default ${DEFAULT-VALUE}).")
  String job;

  @Option(names = "--source", description = "Raw source (default: platform.event-source).")
  String source;

  @Option(
      names = "--resume",
      description = "Skip periods the ledger records as succeeded with the same raw inputs.")
  boolean resume;

  @Option(
      names = "--restate",
      description =
          "Re-aggregate closed periods with their late events (t1_log.place_event_late) taken in: t2 and t3 then"
              + " count them, the ledger records the restatement, and the serving view answers the restated numbers."
              + " Needs the enrich and aggregate jobs.")
  boolean restate;

  @Option(names = "--dry-run", description = "Print the plan and stop.")
  boolean dryRun;

  /** The EMR step's entry point: exit code 1 when a period failed, 2 for bad arguments. */
  public static void main(String[] args) {
    System.exit(UserErrors.installForSteps(new CommandLine(new BatchMain())).execute(args));
  }

  @Override
  public Integer call() {
    PlatformConfig config = configOptions.load();
    RunArguments args = runOptions.toRunArguments(configOptions.env());
    Set<BatchPipeline.Job> jobs = BatchPipeline.Job.parse(job);
    if (restate
        && !jobs.containsAll(Set.of(BatchPipeline.Job.ENRICH, BatchPipeline.Job.AGGREGATE))) {
      throw Errors.badArgument(
          "--job",
          job,
          "a job list with enrich and aggregate when --restate is given (the late events enter t2, and t3 is rebuilt"
              + " from it), such as all or enrich,aggregate");
    }
    String source = sourceName(config);
    List<Period> periods = args.periods(config.source(source).period());
    if (dryRun) {
      Console console = Console.stdout();
      console.line("%s: jobs %s", args.applicationName(APP_NAME), jobs);
      BatchPipeline.plan(config, source, periods, jobs, args.parallelism())
          .forEach(l -> console.line("  %s", l));
      return 0;
    }
    return run(config, args, jobs, Console.stdout());
  }

  public int run(
      PlatformConfig config, RunArguments args, Set<BatchPipeline.Job> jobs, Console console) {
    // one batch application per lake: Delta's default S3 log store is safe for one driver only
    try (WriterLease lease =
        WriterLease.acquire(
            config.dynamodb(),
            "batch",
            config.storage().tableLocation(PlatformTables.BATCH_LEDGER.name()),
            config.batch().writerLeaseTtl())) {
      console.line(
          "holding the writer lease of the lake (%s): no other batch application writes it meanwhile",
          lease.resource());
      int status = runHolding(config, args, jobs, console);
      if (lease.lost()) {
        console.line(
            "this application lost the writer lease of the lake while it ran (another took it over after it"
                + " stopped renewing): check the ledger and rerun the periods with --resume once only one runs");
        return 1;
      }
      return status;
    }
  }

  private int runHolding(
      PlatformConfig config, RunArguments args, Set<BatchPipeline.Job> jobs, Console console) {
    String source = sourceName(config);
    List<Period> periods = args.periods(config.source(source).period());
    SparkSession spark = SparkSessions.getOrCreate(config, args.applicationName(APP_NAME));
    BatchPipeline pipeline = new BatchPipeline(new Lake(spark, config), source, restate);
    console.line(
        "%s: %d period(s) from %s, jobs %s, %d at once",
        args.applicationName(APP_NAME), periods.size(), periods.get(0), jobs, args.parallelism());
    long started = System.nanoTime();
    AtomicInteger done = new AtomicInteger();
    int steps = BatchPipeline.stepCount(config, source, periods, jobs);
    // the stage is named only when a period has more than one
    boolean stages = BatchPipeline.stages(config.source(source).period(), periods, jobs).size() > 1;
    List<BatchPipeline.PeriodResult> results =
        pipeline.runPeriods(
            periods,
            jobs,
            args.parallelism(),
            resume,
            r -> {
              synchronized (console) {
                console.line(
                    "    %s%s %s%s",
                    r.period(),
                    stages ? " (" + r.stage() + ")" : "",
                    r.status(),
                    r.error() == null ? "" : ": " + r.error());
                r.entries()
                    .forEach(
                        (j, e) ->
                            console.line(
                                "        %-9s %s",
                                j.name().toLowerCase(Locale.ROOT), describe(j, e)));
                console.progress("steps", done.incrementAndGet(), steps, started);
              }
            });
    long failed = results.stream().filter(BatchPipeline.PeriodResult::failed).count();
    if (failed > 0) {
      console.line(
          "%d of %d periods failed; ops.batch_ledger has each cause", failed, results.size());
      return 1;
    }
    return 0;
  }

  private String sourceName(PlatformConfig config) {
    return source != null ? source : config.eventSource().name();
  }

  private static String describe(BatchPipeline.Job job, Ledger.Entry e) {
    if (job == BatchPipeline.Job.COLLECT) {
      return String.format(
          Locale.ROOT,
          "read %d, owned %d = accepted %d + duplicates %d + late %d + rejected %d",
          e.linesRead(),
          e.owned(),
          e.accepted(),
          e.duplicates(),
          e.late(),
          e.rejected());
    }
    return e.rowsWritten() + " rows" + (e.details().isEmpty() ? "" : " " + e.details());
  }
}
