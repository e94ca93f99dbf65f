package org.lambdaref.batch;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.lambdaref.model.Errors;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.Partitions;

/**
 * Replays a date range inside one Spark application: for every period, t1 (collect, snapshot) and
 * t2 (enrich) first, then t3 (aggregate) and the JDBC export, so that the 30-day table of a period
 * finds the t2 days before it. {@code parallelism} periods run at once in each wave; the result is
 * the same as running them one by one. A failed period is reported with its cause; the others go
 * on.
 */
public final class BatchPipeline {

  /** The jobs, in dependency order. */
  public enum Job {
    COLLECT, SNAPSHOT, ENRICH, AGGREGATE, EXPORT;

    /** {@code all}, one job name, or several separated by commas (run in dependency order whatever the order given). */
    public static Set<Job> parse(String names) {
      if (names.equals("all")) {
        return EnumSet.allOf(Job.class);
      }
      Set<Job> jobs = EnumSet.noneOf(Job.class);
      for (String name : names.split(",")) {
        try {
          jobs.add(Job.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw Errors.badArgument("--job", names,
              "all, or one or more (comma-separated) of collect, snapshot, enrich, aggregate, export");
        }
      }
      return jobs;
    }

    boolean firstWave() {
      return this == COLLECT || this == SNAPSHOT || this == ENRICH;
    }
  }

  /** What happened to one period. */
  public record PeriodResult(LocalDate day, String status, Map<Job, Ledger.Entry> entries, String error) {
    /** The entries of the jobs of one wave (t1+t2, or t3+export). */
    public Map<Job, Ledger.Entry> entriesOf(boolean firstWave) {
      Map<Job, Ledger.Entry> out = new LinkedHashMap<>();
      entries.forEach((job, entry) -> {
        if (job.firstWave() == firstWave) {
          out.put(job, entry);
        }
      });
      return out;
    }

    public boolean failed() {
      return status.equals("failed");
    }
  }

  private final Lake lake;
  private final String source;

  public BatchPipeline(Lake lake, String source) {
    this.lake = lake;
    this.source = source;
  }

  /** Whether the period can run now: its day has closed (end + allowed lateness). */
  public boolean isClosed(LocalDate day, Instant now) {
    return isClosed(lake.config(), source, day, now);
  }

  private static boolean isClosed(org.lambdaref.config.PlatformConfig config, String source, LocalDate day, Instant now) {
    return IngestWindow.of(day, config.timezone(), config.source(source)).isClosedAt(now);
  }

  public List<PeriodResult> run(List<LocalDate> days, Set<Job> jobs, int parallelism, Consumer<PeriodResult> progress) {
    return run(days, jobs, parallelism, false, progress);
  }

  /** As above; with {@code resume}, periods the ledger shows done with the same inputs are skipped. */
  public List<PeriodResult> run(List<LocalDate> days, Set<Job> jobs, int parallelism, boolean resume,
      Consumer<PeriodResult> progress) {
    Map<LocalDate, PeriodResult> results = new LinkedHashMap<>();
    List<LocalDate> runnable = new ArrayList<>();
    Instant now = Instant.now();
    for (LocalDate day : days) {
      if (resume && alreadyDone(day, jobs)) {
        PeriodResult done = new PeriodResult(day, "skipped", Map.of(), "done already with the same inputs (--resume)");
        results.put(day, done);
        progress.accept(done);
      } else if (isClosed(day, now)) {
        runnable.add(day);
        results.put(day, new PeriodResult(day, "succeeded", new LinkedHashMap<>(), null));
      } else {
        PeriodResult open = new PeriodResult(day, "skipped", Map.of(),
            "still open until " + IngestWindow.of(day, lake.config().timezone(), lake.config().source(source)).close());
        results.put(day, open);
        progress.accept(open);
      }
    }
    wave(runnable, jobs, true, parallelism, results, progress);
    wave(runnable, jobs, false, parallelism, results, progress);
    if (jobs.contains(Job.AGGREGATE) && runnable.stream().anyMatch(d -> !results.get(d).failed())) {
      handOverHotDays();
    }
    return new ArrayList<>(results.values());
  }

  /**
   * Days the batch has now closed no longer need their hot partitions. A failure here is logged
   * and recorded in the ledger, not raised: the batch's own results stand, and the next run or
   * {@code lambda hot-retention} retries it.
   */
  private void handOverHotDays() {
    if (!lake.exists(PlatformTables.HOT_PLACE_EVENT) && !lake.exists(PlatformTables.HOT_PLACE_EVENT_QUARANTINE)) {
      return;
    }
    try {
      new HotRetention(lake).run(lake.config().speed().hotRetentionKeepDays());
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(BatchPipeline.class).warn("hot retention after the batch failed: {}", e.toString());
    }
  }

  private void wave(List<LocalDate> days, Set<Job> jobs, boolean first, int parallelism,
      Map<LocalDate, PeriodResult> results, Consumer<PeriodResult> progress) {
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (LocalDate day : days) {
        futures.add(pool.submit(() -> {
          if (jobs.stream().noneMatch(j -> j.firstWave() == first)) {
            return;
          }
          PeriodResult current;
          synchronized (results) {
            current = results.get(day);
          }
          if (current.failed()) {
            return; // reported when it failed
          }
          current = runJobs(day, jobs, first, current);
          synchronized (results) {
            results.put(day, current);
          }
          progress.accept(current);
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("batch wave interrupted", e);
    } finally {
      pool.shutdown();
    }
  }

  private PeriodResult runJobs(LocalDate day, Set<Job> jobs, boolean first, PeriodResult so) {
    Map<Job, Ledger.Entry> entries = new LinkedHashMap<>(so.entries());
    for (Job job : jobs) {
      if (job.firstWave() != first) {
        continue;
      }
      try {
        entries.put(job, runJob(job, day));
      } catch (Exception e) { // includes Spark's AnalysisException, checked in Java's eyes
        String name = job.name().toLowerCase(Locale.ROOT);
        String error = Lake.isStorageFailure(e)
            ? Errors.storageUnreachable(name, Partitions.day(day), lake.config().storage().datastaging() + " / " + lake.config().storage().datastore(), e).getMessage()
            : name + ": " + e.getMessage();
        return new PeriodResult(day, "failed", entries, error);
      }
    }
    return new PeriodResult(day, "succeeded", entries, null);
  }

  private Ledger.Entry runJob(Job job, LocalDate day) {
    return switch (job) {
      case COLLECT -> {
        CollectJob.Counts c = new CollectJob(lake.spark(), lake.config(), source).run(day);
        yield new Ledger.Entry(c.linesRead(), c.owned(), c.accepted(), c.duplicates(), c.late(), c.rejected(),
            c.accepted(), Map.of());
      }
      case SNAPSHOT -> new SnapshotJob(lake).run(day);
      case ENRICH -> new EnrichJob(lake).run(day);
      case AGGREGATE -> new AggregateJob(lake).run(day);
      case EXPORT -> new ExportJob(lake).run(day);
    };
  }

  /**
   * For {@code --resume}: whether the ledger's latest row of every requested job for the period says
   * succeeded, and the raw files are still those the collect run read.
   */
  public boolean alreadyDone(LocalDate day, Set<Job> jobs) {
    if (!lake.exists(org.lambdaref.model.PlatformTables.BATCH_LEDGER)) {
      return false;
    }
    String period = Partitions.day(day);
    List<org.apache.spark.sql.Row> rows = lake.read(org.lambdaref.model.PlatformTables.BATCH_LEDGER)
        .filter(org.apache.spark.sql.functions.col("period").equalTo(period))
        .orderBy(org.apache.spark.sql.functions.col("ended_at").desc())
        .collectAsList();
    for (Job job : jobs) {
      String name = jobName(job);
      java.util.Optional<org.apache.spark.sql.Row> latest =
          rows.stream().filter(r -> name.equals(r.getAs("job"))).findFirst();
      if (latest.isEmpty() || !"succeeded".equals(latest.get().getAs("status"))) {
        return false;
      }
      if (job == Job.COLLECT) {
        String inputs = new CollectJob(lake.spark(), lake.config(), source).inputFingerprint(day);
        String details = latest.get().getAs("details");
        if (details == null || !details.contains("inputs=" + inputs)) {
          return false;
        }
      }
    }
    return true;
  }

  static String jobName(Job job) {
    return switch (job) {
      case COLLECT -> CollectJob.JOB_NAME;
      case SNAPSHOT -> SnapshotJob.JOB_NAME;
      case ENRICH -> EnrichJob.JOB_NAME;
      case AGGREGATE -> AggregateJob.JOB_NAME;
      case EXPORT -> ExportJob.JOB_NAME;
    };
  }

  /** The plan, for --dry-run: which job runs for which period, in which wave. Needs no Spark. */
  public static List<String> plan(org.lambdaref.config.PlatformConfig config, String source, List<LocalDate> days,
      Set<Job> jobs, int parallelism) {
    List<String> lines = new ArrayList<>();
    Instant now = Instant.now();
    for (boolean first : new boolean[] {true, false}) {
      List<String> names = jobs.stream().filter(j -> j.firstWave() == first).map(j -> j.name().toLowerCase(Locale.ROOT)).toList();
      if (names.isEmpty()) {
        continue;
      }
      lines.add((first ? "wave 1 (t1, t2)" : "wave 2 (t3, export)") + ": " + names + ", " + parallelism + " period(s) at once");
      for (LocalDate day : days) {
        lines.add("  " + Partitions.day(day) + (isClosed(config, source, day, now) ? "" : "  (skipped: still open)"));
      }
    }
    return lines;
  }
}
