package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lambdaref.model.BatchCoverage.LedgerRun;
import org.lambdaref.model.RunStatus;

class RecentRunsTest {

  private static LedgerRun row(String job, String period, String status, String endedAt) {
    return new LedgerRun(job, period, status, null, Instant.parse(endedAt));
  }

  @Test
  void theLatestRunOfEachJobAndPeriodCountsWhateverTheRowOrder() {
    List<LedgerRun> rows =
        List.of(
            // a rerun that succeeded after a failure: succeeded
            row("collect_place_event", "20261201", "succeeded", "2026-12-02T03:00:00Z"),
            row("collect_place_event", "20261201", "failed", "2026-12-02T01:00:00Z"),
            // a rerun that failed after a success: failed (the table may be half rewritten)
            row("aggregate_place", "20261201", "succeeded", "2026-12-02T01:30:00Z"),
            row("aggregate_place", "20261201", "failed", "2026-12-02T04:00:00Z"),
            // hours belong to their day
            row("enrich_place_event", "2026120105", "succeeded", "2026-12-02T02:00:00Z"),
            row("enrich_place_event", "2026113023", "failed", "2026-12-01T02:00:00Z"),
            // not a period id: no job writes it, left out
            row("lease", "batch", "succeeded", "2026-12-02T02:00:00Z"));

    RecentRuns recent = RecentRuns.of(rows, 14);

    assertThat(recent.runs())
        .extracting(r -> r.job() + " " + r.period() + " " + r.day() + " " + r.status())
        .containsExactly(
            "aggregate_place 20261201 2026-12-01 failed",
            "collect_place_event 20261201 2026-12-01 succeeded",
            "enrich_place_event 2026120105 2026-12-01 succeeded",
            "enrich_place_event 2026113023 2026-11-30 failed");
    assertThat(recent.failed())
        .extracting(RecentRuns.Run::period)
        .containsExactly("20261201", "2026113023");
  }

  @Test
  void onlyTheNewestDaysWithRunsAreKept() {
    List<LedgerRun> rows =
        List.of(
            row("aggregate_place", "20261120", "succeeded", "2026-11-21T01:00:00Z"),
            row("aggregate_place", "20261125", "failed", "2026-11-26T01:00:00Z"),
            row("aggregate_place", "20261203", "succeeded", "2026-12-04T01:00:00Z"));

    assertThat(RecentRuns.of(rows, 2).runs())
        .extracting(RecentRuns.Run::day)
        .as("a gap in the ledger does not use up the days kept")
        .containsExactly(LocalDate.of(2026, 12, 3), LocalDate.of(2026, 11, 25));
    assertThat(RecentRuns.of(rows, 2).runs().get(1).status()).isEqualTo(RunStatus.FAILED);
  }
}
