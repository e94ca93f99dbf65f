package org.lambdaref.serving;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lambdaref.model.BatchCoverage.LedgerRun;
import org.lambdaref.model.Period;
import org.lambdaref.model.RunStatus;

/**
 * The batch layer's recent work as an operator reads it: for every job and period of the newest
 * {@code days} days in {@code ops.batch_ledger}, the latest run (a rerun that succeeded after a
 * failure shows as succeeded; one that failed after a success shows as failed, which is what the
 * next reader of the table must know). Pure: built from the ledger rows the view loader reads.
 */
record RecentRuns(List<Run> runs) {

  /** How many days of the ledger the view keeps (the page shows them). */
  static final int DAYS_KEPT = 14;

  static final RecentRuns NONE = new RecentRuns(List.of());

  /** The latest run of one job for one period. */
  record Run(String job, String period, LocalDate day, RunStatus status, Instant endedAt) {}

  RecentRuns {
    runs = List.copyOf(runs);
  }

  /**
   * The latest run of each job and period among {@code rows}, for the newest {@code days} days that
   * have any; newest day first, then job and period. Rows whose period is not a period id are left
   * out (no job writes them).
   */
  static RecentRuns of(Iterable<LedgerRun> rows, int days) {
    Map<List<String>, Run> latest = new HashMap<>();
    for (LedgerRun r : rows) {
      Optional<Period> period = period(r.period());
      if (period.isEmpty()) {
        continue;
      }
      Run run =
          new Run(
              r.job(), r.period(), period.get().day(), RunStatus.fromWire(r.status()), r.endedAt());
      latest.merge(
          List.of(r.job(), r.period()), run, (a, b) -> b.endedAt().isAfter(a.endedAt()) ? b : a);
    }
    List<LocalDate> newestDays =
        latest.values().stream()
            .map(Run::day)
            .distinct()
            .sorted(Comparator.reverseOrder())
            .limit(days)
            .toList();
    List<Run> out = new ArrayList<>();
    for (Run run : latest.values()) {
      if (newestDays.contains(run.day())) {
        out.add(run);
      }
    }
    out.sort(
        Comparator.comparing(Run::day)
            .reversed()
            .thenComparing(Run::job)
            .thenComparing(Run::period));
    return new RecentRuns(out);
  }

  /** The runs whose latest attempt failed: what stands out on the page. */
  List<Run> failed() {
    return runs.stream().filter(r -> r.status() == RunStatus.FAILED).toList();
  }

  private static Optional<Period> period(String id) {
    try {
      return Optional.of(Period.parseId(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
