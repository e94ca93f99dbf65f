package org.lambdaref.batch;

import static org.apache.spark.sql.functions.col;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.Errors;
import org.lambdaref.model.Period;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.RunStatus;
import org.slf4j.LoggerFactory;

/**
 * Replays a range of periods inside one Spark application, stage by stage, so that every job finds
 * its inputs: for a source cut into days, t1 (collect, snapshot) and t2 (enrich) of every day, then
 * t3 (aggregate) and the JDBC export, so that the 30-day table of a period finds the t2 days before
 * it. For a source cut into hours: each day's snapshot, then t1 and t2 of every hour, the hourly t3
 * of every hour, and last the daily t3 and the export of each day whose hour 23 is in the range.
 * {@code parallelism} steps of a stage run at once; the result is the same as running them one by
 * one. A failed period is reported with its cause; the others go on.
 */
public final class BatchPipeline {

  /**
   * What a job of a run is made with: the lake, the source, whether t2 restates late events, and
   * the enrich details of the t2 periods an aggregate reads when this run wrote them (else null).
   */
  record RunContext(Lake lake, String source, boolean restate, Map<String, String> enriched) {}

  /** The jobs, in dependency order, each made for a run by its factory. */
  public enum Job {
    COLLECT(run -> new CollectJob(run.lake(), run.source())),
    SNAPSHOT(run -> new SnapshotJob(run.lake())),
    ENRICH(run -> new EnrichJob(run.lake(), run.restate())),
    AGGREGATE(run -> new AggregateJob(run.lake(), run.enriched())),
    EXPORT(run -> new ExportJob(run.lake()));

    private final Function<RunContext, PeriodJob> factory;

    Job(Function<RunContext, PeriodJob> factory) {
      this.factory = factory;
    }

    PeriodJob of(RunContext run) {
      return factory.apply(run);
    }

    /**
     * {@code all}, one job name, or several separated by commas (run in dependency order whatever
     * the order given).
     */
    public static Set<Job> parse(String names) {
      if (names.equals("all")) {
        return EnumSet.allOf(Job.class);
      }
      Set<Job> jobs = EnumSet.noneOf(Job.class);
      for (String name : names.split(",")) {
        try {
          jobs.add(Job.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw Errors.badArgument(
              "--job",
              names,
              "all, or one or more (comma-separated) of collect, snapshot, enrich, aggregate, export");
        }
      }
      return jobs;
    }
  }

  /**
   * The stages of a replay, in the order they run (a daily source has two; an hourly source four);
   * the label is what the console and {@code --dry-run} show.
   */
  public enum Stage {
    /** A daily source's collect, snapshot and enrich. */
    T1_T2("t1, t2"),
    /** A daily source's aggregate and export. */
    T3_EXPORT("t3, export"),
    /** An hourly source's day snapshot, which all its hours join with. */
    DAY_SNAPSHOT("t1_db"),
    /** An hourly source's collect and enrich of one hour. */
    HOUR_T1_T2("t1, t2"),
    /** An hourly source's hourly aggregate. */
    T3_HOURLY("t3 hourly"),
    /** An hourly source's daily aggregate and export, once the day's hours are in. */
    T3_DAILY_EXPORT("t3 daily, export");

    private final String label;

    Stage(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** One stage's jobs for one period, in dependency order. */
  public record Step(Period period, Stage stage, List<Job> jobs) {}

  /** What happened to one period (or, in a progress report, to one of its steps). */
  public record PeriodResult(
      Period period, Stage stage, RunStatus status, Map<Job, Ledger.Entry> entries, String error) {

    public LocalDate day() {
      return period.day();
    }

    public boolean failed() {
      return status == RunStatus.FAILED;
    }
  }

  private final Lake lake;
  private final String source;
  private final boolean restate;

  public BatchPipeline(Lake lake, String source) {
    this(lake, source, false);
  }

  /**
   * With {@code restate}, each period's t2 takes in its late events ({@link EnrichJob#run(Period,
   * boolean)}) and the t3 built on it records that it did ({@code batch --restate}).
   */
  public BatchPipeline(Lake lake, String source, boolean restate) {
    this.lake = lake;
    this.source = source;
    this.restate = restate;
  }

  /**
   * Snapshot, enrich, aggregate and export build the event tables, which are the event source's
   * ({@code platform.event-source}); another source's raw files can only be collected. Checked
   * before a plan or a run, so that a run of {@code --source other} does not cut other's periods
   * and then rebuild the event source's tables with them.
   */
  public static void checkJobsFitSource(PlatformConfig config, String source, Set<Job> jobs) {
    String eventSource = config.eventSource().name();
    if (source.equals(eventSource)) {
      return;
    }
    Set<Job> beyondCollect = EnumSet.copyOf(jobs);
    beyondCollect.remove(Job.COLLECT);
    if (!beyondCollect.isEmpty()) {
      throw Errors.jobsNeedTheEventSource(
          beyondCollect.stream().map(j -> j.name().toLowerCase(Locale.ROOT)).toList(),
          source,
          eventSource);
    }
  }

  /** Whether the day can run now: it has closed (end + allowed lateness). */
  public boolean isClosed(LocalDate day, Instant now) {
    return isClosed(lake.config(), source, Period.ofDay(day), now);
  }

  private static boolean isClosed(
      PlatformConfig config, String source, Period period, Instant now) {
    return IngestWindow.of(period, config.timezone(), config.source(source)).isClosedAt(now);
  }

  private static Instant closeOf(PlatformConfig config, String source, Period period) {
    return IngestWindow.of(period, config.timezone(), config.source(source)).close();
  }

  /** The source's periods that make up {@code days}: the days, or their hours. */
  public static List<Period> periodsOf(PlatformConfig config, String source, List<LocalDate> days) {
    PeriodUnit unit = config.source(source).period();
    return days.stream().flatMap(d -> Period.ofDay(d).split(unit).stream()).toList();
  }

  public List<PeriodResult> run(
      List<LocalDate> days, Set<Job> jobs, int parallelism, Consumer<PeriodResult> progress) {
    return run(days, jobs, parallelism, false, progress);
  }

  /**
   * As above; with {@code resume}, periods the ledger shows done with the same inputs are skipped.
   */
  public List<PeriodResult> run(
      List<LocalDate> days,
      Set<Job> jobs,
      int parallelism,
      boolean resume,
      Consumer<PeriodResult> progress) {
    return runPeriods(periodsOf(lake.config(), source, days), jobs, parallelism, resume, progress);
  }

  /**
   * Runs the stages of {@code periods} (days, or hours for a source cut into hours). Returns one
   * result per period, the days of an hourly source's daily tables included; {@code progress} hears
   * of every step once.
   */
  public List<PeriodResult> runPeriods(
      List<Period> periods,
      Set<Job> jobs,
      int parallelism,
      boolean resume,
      Consumer<PeriodResult> progress) {
    checkJobsFitSource(lake.config(), source, jobs);
    PeriodUnit unit = lake.config().source(source).period();
    Map<Period, PeriodResult> results = new TreeMap<>();
    Set<Period> ran = ConcurrentHashMap.newKeySet();
    Instant now = Instant.now();
    for (List<Step> stage : stages(unit, periods, jobs)) {
      ExecutorService pool = Executors.newFixedThreadPool(parallelism);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (Step step : stage) {
          futures.add(
              pool.submit(
                  () -> {
                    PeriodResult report = runStep(unit, step, resume, now, results, ran);
                    synchronized (results) {
                      PeriodResult so = results.get(step.period());
                      if (so == null || !so.failed()) {
                        Map<Job, Ledger.Entry> entries =
                            new LinkedHashMap<>(so == null ? Map.of() : so.entries());
                        entries.putAll(report.entries());
                        boolean keepSkip =
                            so != null
                                && so.status() == RunStatus.SUCCEEDED
                                && report.status() == RunStatus.SKIPPED;
                        results.put(
                            step.period(),
                            keepSkip
                                ? new PeriodResult(step.period(), null, so.status(), entries, null)
                                : new PeriodResult(
                                    step.period(), null, report.status(), entries, report.error()));
                      }
                    }
                    progress.accept(report);
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } catch (Exception e) {
        throw new IllegalStateException("batch stage interrupted", e);
      } finally {
        pool.shutdown();
      }
    }
    boolean anySucceeded;
    synchronized (results) {
      anySucceeded =
          ran.stream()
              .anyMatch(
                  p -> results.get(p) != null && results.get(p).status() == RunStatus.SUCCEEDED);
    }
    if (jobs.contains(Job.AGGREGATE) && anySucceeded) {
      handOverHotDays();
    }
    return new ArrayList<>(results.values());
  }

  /** The stages of a run, in order; each a list of steps that may run at once. */
  public static List<List<Step>> stages(PeriodUnit unit, List<Period> periods, Set<Job> jobs) {
    List<List<Step>> stages = new ArrayList<>();
    if (unit == PeriodUnit.DAY) {
      stages.add(steps(periods, Stage.T1_T2, jobs, Job.COLLECT, Job.SNAPSHOT, Job.ENRICH));
      stages.add(steps(periods, Stage.T3_EXPORT, jobs, Job.AGGREGATE, Job.EXPORT));
    } else {
      List<Period> days = periods.stream().map(Period::dayPeriod).distinct().toList();
      List<Period> endedDays =
          periods.stream().filter(Period::endsDay).map(Period::dayPeriod).distinct().toList();
      stages.add(steps(days, Stage.DAY_SNAPSHOT, jobs, Job.SNAPSHOT));
      stages.add(steps(periods, Stage.HOUR_T1_T2, jobs, Job.COLLECT, Job.ENRICH));
      stages.add(steps(periods, Stage.T3_HOURLY, jobs, Job.AGGREGATE));
      stages.add(steps(endedDays, Stage.T3_DAILY_EXPORT, jobs, Job.AGGREGATE, Job.EXPORT));
    }
    stages.removeIf(List::isEmpty);
    return stages;
  }

  private static List<Step> steps(
      List<Period> periods, Stage stage, Set<Job> requested, Job... stageJobs) {
    List<Job> jobs = Arrays.stream(stageJobs).filter(requested::contains).toList();
    return jobs.isEmpty()
        ? List.of()
        : periods.stream().map(p -> new Step(p, stage, jobs)).toList();
  }

  /**
   * The periods whose work in this run a step builds on: its own earlier stage, the day's snapshot
   * for an hour, the day's hours for a day's daily tables.
   */
  private static List<Period> inputsOf(PeriodUnit unit, Step step) {
    Period p = step.period();
    if (unit == PeriodUnit.DAY) {
      return List.of(p);
    }
    if (p.isHour()) {
      return List.of(p, p.dayPeriod());
    }
    return step.stage() == Stage.DAY_SNAPSHOT
        ? List.of()
        : concat(List.of(p), p.split(PeriodUnit.HOUR));
  }

  private static List<Period> concat(List<Period> a, List<Period> b) {
    List<Period> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private PeriodResult runStep(
      PeriodUnit unit,
      Step step,
      boolean resume,
      Instant now,
      Map<Period, PeriodResult> results,
      Set<Period> ran) {
    Period period = step.period();
    List<Period> inputs = inputsOf(unit, step);
    synchronized (results) {
      for (Period input : inputs) {
        PeriodResult r = results.get(input);
        if (r != null && r.failed()) {
          return skipped(
              step,
              input.equals(period)
                  ? "not run: an earlier stage of " + period + " failed"
                  : "not run: " + input + " failed in this run");
        }
      }
    }
    if (isOpen(lake.config(), source, step, now)) {
      return skipped(step, "still open until " + closeOf(lake.config(), source, period));
    }
    // a restatement changes t2 even where the ledger shows the same inputs done: never skipped
    if (resume
        && !restate
        && inputs.stream().noneMatch(ran::contains)
        && alreadyDone(period, step.jobs())) {
      return skipped(step, "done already with the same inputs (--resume)");
    }
    ran.add(period);
    Map<Job, Ledger.Entry> entries = new LinkedHashMap<>();
    for (Job job : step.jobs()) {
      try {
        entries.put(job, runJob(job, period, enrichedInThisRun(unit, period, results)));
      } catch (Exception e) { // includes Spark's AnalysisException, checked in Java's eyes
        String name = job.name().toLowerCase(Locale.ROOT);
        String error =
            Lake.isStorageFailure(e)
                ? Errors.storageUnreachable(
                        name,
                        period.id(),
                        lake.config().storage().datastaging()
                            + " / "
                            + lake.config().storage().datastore(),
                        e)
                    .getMessage()
                : name + ": " + e.getMessage();
        return new PeriodResult(period, step.stage(), RunStatus.FAILED, entries, error);
      }
    }
    return new PeriodResult(period, step.stage(), RunStatus.SUCCEEDED, entries, null);
  }

  private static PeriodResult skipped(Step step, String why) {
    return new PeriodResult(step.period(), step.stage(), RunStatus.SKIPPED, Map.of(), why);
  }

  /**
   * Whether a step's period has not closed yet, so the step is skipped. A day's snapshot serves its
   * hours: it runs once the first of them has closed.
   */
  private static boolean isOpen(PlatformConfig config, String source, Step step, Instant now) {
    Period period =
        step.stage() == Stage.DAY_SNAPSHOT
            ? step.period().split(PeriodUnit.HOUR).get(0)
            : step.period();
    return !isClosed(config, source, period, now);
  }

  /**
   * At the end of a run that aggregated: publishes the coverage the ledger now shows ({@code
   * ops.batch_coverage}, what the merged SQL views cut at), then lets the days the batch has closed
   * go from the hot tables. Once per run, not per day: a publication reads the whole ledger and
   * commits (1.1-1.7 s here), a third of a daily period's t3 step; the daily DAG runs one day at a
   * time, so there the cut moves every day all the same. A failure is logged and recorded, not
   * raised: the batch's own results stand, and the next run or {@code lambda hot-retention} retries
   * it; a failed publication leaves the hot tables as they are.
   */
  private void handOverHotDays() {
    try {
      if (!lake.exists(PlatformTables.HOT_PLACE_EVENT)
          && !lake.exists(PlatformTables.HOT_PLACE_EVENT_QUARANTINE)) {
        CoverageTable.publish(lake);
        return;
      }
      new HotRetention(lake).run(lake.config().speed().hotRetentionKeepDays());
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(BatchPipeline.class)
          .warn(
              "publishing ops.batch_coverage or the hot retention after the batch failed: {}",
              e.toString());
    }
  }

  /**
   * The enrich details of the t2 periods a period's aggregate reads, when this run enriched them
   * all: the aggregate then need not look them up in the ledger (one query per hour saved).
   */
  private static Map<String, String> enrichedInThisRun(
      PeriodUnit unit, Period period, Map<Period, PeriodResult> results) {
    List<Period> t2 =
        unit == PeriodUnit.HOUR && !period.isHour()
            ? period.split(PeriodUnit.HOUR)
            : List.of(period);
    Map<String, String> details = new HashMap<>();
    synchronized (results) {
      for (Period p : t2) {
        PeriodResult r = results.get(p);
        Ledger.Entry e = r == null ? null : r.entries().get(Job.ENRICH);
        if (e == null) {
          return null;
        }
        details.put(p.id(), new TreeMap<>(e.details()).toString());
      }
    }
    return details;
  }

  private Ledger.Entry runJob(Job job, Period period, Map<String, String> enriched) {
    return new Ledger(lake).record(job.of(new RunContext(lake, source, restate, enriched)), period);
  }

  /**
   * For {@code --resume}: whether the ledger's latest row of every requested job for the period
   * says succeeded, and the raw files are still those the collect run read.
   */
  public boolean alreadyDone(LocalDate day, Set<Job> jobs) {
    return alreadyDone(Period.ofDay(day), List.copyOf(jobs));
  }

  boolean alreadyDone(Period period, List<Job> jobs) {
    if (!lake.exists(PlatformTables.BATCH_LEDGER)) {
      return false;
    }
    List<Row> rows =
        lake.read(PlatformTables.BATCH_LEDGER)
            .filter(col("period").equalTo(period.id()))
            .orderBy(col("ended_at").desc())
            .collectAsList();
    for (Job job : jobs) {
      PeriodJob periodJob = job.of(new RunContext(lake, source, restate, null));
      String name = periodJob.id(period).job();
      Optional<Row> latest = rows.stream().filter(r -> name.equals(r.getAs("job"))).findFirst();
      if (latest.isEmpty()
          || !RunStatus.SUCCEEDED.wire().equals(latest.get().getAs("status"))
          || !periodJob.inputsUnchanged(period, latest.get().getAs("details"))) {
        return false;
      }
    }
    return true;
  }

  /** The plan, for --dry-run: which jobs run for which period, stage by stage. Needs no Spark. */
  public static List<String> plan(
      PlatformConfig config, String source, List<Period> periods, Set<Job> jobs, int parallelism) {
    checkJobsFitSource(config, source, jobs);
    List<String> lines = new ArrayList<>();
    Instant now = Instant.now();
    int n = 0;
    for (List<Step> stage : stages(config.source(source).period(), periods, jobs)) {
      Step first = stage.get(0);
      lines.add(
          "stage "
              + (++n)
              + " ("
              + first.stage()
              + "): "
              + first.jobs().stream().map(j -> j.name().toLowerCase(Locale.ROOT)).toList()
              + ", "
              + parallelism
              + " at once");
      for (Step step : stage) {
        lines.add(
            "  "
                + step.period().id()
                + (isOpen(config, source, step, now) ? "  (skipped: still open)" : ""));
      }
    }
    return lines;
  }

  /** How many steps {@link #runPeriods} reports for {@code periods}: one per period and stage. */
  public static int stepCount(
      PlatformConfig config, String source, List<Period> periods, Set<Job> jobs) {
    return stages(config.source(source).period(), periods, jobs).stream()
        .mapToInt(List::size)
        .sum();
  }
}
