package org.lambdaref.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The ledger encoding of a restatement, and which late rows a covered day's numbers include. */
class RestatementTest {

  @Test
  void readsBackWhatTheLedgerWrites() {
    // the ledger writes details as a sorted map's toString
    TreeMap<String, String> details =
        new TreeMap<>(new Restatement(Set.of("20261112", "20261111"), 3).toDetails());
    details.put("unmatched_events", "0");
    details.put("days_in_30d_range", "12");
    assertThat(details.toString())
        .isEqualTo(
            "{days_in_30d_range=12, restated_late_events=3, restated_late_from=20261111 20261112, unmatched_events=0}");
    assertThat(Restatement.fromDetails(details.toString()))
        .contains(new Restatement(Set.of("20261111", "20261112"), 3));
    assertThat(Restatement.fromDetails("{restated_late_events=0, restated_late_from=}"))
        .as("a restatement that found no late rows")
        .contains(new Restatement(Set.of(), 0));
    assertThat(Restatement.fromDetails("{unmatched_events=0}")).isEmpty();
    assertThat(Restatement.fromDetails(null)).isEmpty();
    assertThat(Restatement.fromDetails("{x_restated_late_from=20261111}"))
        .as("a key that only ends the same")
        .isEmpty();
  }

  @Test
  void aTableOfSeveralInputsIsRestatedOnlyWhenAllOfThemAre() {
    Restatement a = new Restatement(Set.of("2026111101"), 1);
    Restatement b = new Restatement(Set.of("2026111102", "2026111101"), 2);
    assertThat(Restatement.ofAll(List.of(Optional.of(a), Optional.of(b))))
        .contains(new Restatement(Set.of("2026111101", "2026111102"), 3));
    assertThat(Restatement.ofAll(List.of(Optional.of(a), Optional.empty()))).isEmpty();
    assertThat(Restatement.ofAll(List.of())).isEmpty();
  }

  @Test
  void refusesWhatIsNotAnOwnerPeriod() {
    assertThatThrownBy(() -> new Restatement(Set.of("2026-11-11"), 1))
        .hasMessageContaining("'2026-11-11'");
    assertThatThrownBy(() -> new Restatement(Set.of(), -1)).hasMessageContaining("-1");
  }

  @Test
  void theLatestGoodAggregateRunOfADaySaysWhichLateRowsItsNumbersInclude() {
    LocalDate day = LocalDate.of(2026, 11, 10);
    String restated = "{restated_late_events=2, restated_late_from=20261111}";
    Instant t = Instant.parse("2026-11-12T00:00:00Z");
    BatchCoverage afterRestating =
        BatchCoverage.of(
            List.of(
                new BatchCoverage.LedgerRun(
                    BatchCoverage.AGGREGATE_JOB, "20261110", "succeeded", "{}", t),
                new BatchCoverage.LedgerRun(
                    BatchCoverage.AGGREGATE_JOB,
                    "20261110",
                    "succeeded",
                    restated,
                    t.plusSeconds(60)),
                // a failed plain rerun afterwards leaves the restated numbers in place
                new BatchCoverage.LedgerRun(
                    BatchCoverage.AGGREGATE_JOB, "20261110", "failed", "{}", t.plusSeconds(120))),
            PeriodUnit.DAY);
    assertThat(afterRestating.includesLate(day, "20261111")).isTrue();
    assertThat(afterRestating.includesLate(day, "20261112"))
        .as("a later arrival day's late rows")
        .isFalse();
    BatchCoverage rerunPlain =
        BatchCoverage.of(
            List.of(
                new BatchCoverage.LedgerRun(
                    BatchCoverage.AGGREGATE_JOB, "20261110", "succeeded", restated, t),
                new BatchCoverage.LedgerRun(
                    BatchCoverage.AGGREGATE_JOB, "20261110", "succeeded", "{}", t.plusSeconds(60))),
            PeriodUnit.DAY);
    assertThat(rerunPlain.restatement(day)).isEmpty();
    assertThat(rerunPlain.includesLate(day, "20261111")).isFalse();
  }
}
