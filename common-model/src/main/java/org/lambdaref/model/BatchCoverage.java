package org.lambdaref.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which days the batch view covers: the serving cut, in one place for every reader (the serving
 * layer's merge, its daily view, hot retention and the merged SQL view).
 *
 * <p>A day is covered exactly when the batch has a good result for it: a run of its aggregate job
 * ({@value #AGGREGATE_JOB}) succeeded and, for a source loaded hour by hour, a run of the hourly
 * aggregate ({@value #HOURLY_AGGREGATE_JOB}) succeeded for every one of its 24 local hours. Each
 * day is judged on its own rows: a backfill or rerun of one range never changes whether any other
 * day is covered (the cut is not a single date that an old day could pull backwards), and a gap is
 * simply a day that is not covered.
 *
 * <p>A failed rerun of a covered day leaves it covered: a failed job commits nothing to a table it
 * did not finish (each Delta write is one atomic commit), and a rerun of the same inputs writes the
 * same rows, so the previous good result is what readers see. (The four t3 tables of a day are each
 * atomic, not atomic together: a rerun with new inputs that fails between two of them leaves the
 * earlier tables at the new result; the ledger's failure row says so and a rerun completes it.)
 *
 * <p>A covered day's latest good aggregate run also says whether its numbers include late events
 * ({@link Restatement}): those of the runs it names are counted, every other late event of the day
 * is set aside.
 */
public final class BatchCoverage {

  /** The ledger's job name of the job that writes a day's batch views. */
  public static final String AGGREGATE_JOB = "aggregate_place";

  /** The ledger's job name of the hourly batch view of one hour, for sources cut into hours. */
  public static final String HOURLY_AGGREGATE_JOB = "aggregate_place_action_1h";

  /**
   * One row of {@code ops.batch_ledger}, as far as coverage cares: {@code details} and {@code
   * endedAt} tell which late events the latest good run of a day included ({@link Restatement}).
   */
  public record LedgerRun(
      String job, String period, String status, String details, Instant endedAt) {
    public LedgerRun(String job, String period, String status) {
      this(job, period, status, null, Instant.EPOCH);
    }

    boolean succeeded() {
      return RunStatus.SUCCEEDED.wire().equals(status);
    }
  }

  private static final BatchCoverage NONE = new BatchCoverage(new TreeSet<>(), Map.of());

  private final NavigableSet<LocalDate> days;
  private final Map<LocalDate, Restatement> restated;

  private BatchCoverage(NavigableSet<LocalDate> days, Map<LocalDate, Restatement> restated) {
    this.days = Collections.unmodifiableNavigableSet(days);
    this.restated = Map.copyOf(restated);
  }

  /** Nothing covered: every bucket is real-time. */
  public static BatchCoverage none() {
    return NONE;
  }

  /** Exactly {@code days} covered (tests and tools that know them). */
  public static BatchCoverage ofDays(Collection<LocalDate> days) {
    return new BatchCoverage(new TreeSet<>(days), Map.of());
  }

  /**
   * The covered days given the ledger's rows, in any order; {@code unit} is how the source is
   * loaded ({@link PeriodUnit#HOUR}: every hour's aggregate must have succeeded too).
   */
  public static BatchCoverage of(Iterable<LedgerRun> runs, PeriodUnit unit) {
    Set<String> aggregated = new HashSet<>();
    Set<String> hoursAggregated = new HashSet<>();
    Map<String, LedgerRun> latestAggregate = new HashMap<>();
    for (LedgerRun r : runs) {
      if (!r.succeeded()) {
        continue;
      }
      if (AGGREGATE_JOB.equals(r.job())) {
        aggregated.add(r.period());
        latestAggregate.merge(r.period(), r, (a, b) -> b.endedAt().isAfter(a.endedAt()) ? b : a);
      } else if (HOURLY_AGGREGATE_JOB.equals(r.job())) {
        hoursAggregated.add(r.period());
      }
    }
    TreeSet<LocalDate> covered = new TreeSet<>();
    Map<LocalDate, Restatement> restated = new HashMap<>();
    for (String period : aggregated) {
      Optional<LocalDate> day = dayOf(period);
      if (day.isEmpty()) {
        continue; // not a day id: no aggregate of a day writes it
      }
      if (unit == PeriodUnit.HOUR && !hoursAggregated.containsAll(hourIds(day.get()))) {
        continue; // a day with a hole: its hourly buckets would read 0 from the batch
      }
      covered.add(day.get());
      Restatement.fromDetails(latestAggregate.get(period).details())
          .ifPresent(r -> restated.put(day.get(), r));
    }
    return new BatchCoverage(covered, restated);
  }

  /**
   * The restatement the covered {@code day}'s batch numbers are, if its latest good aggregate run
   * was built on t2 that took in late events ({@code batch --restate}); empty otherwise (the day's
   * late events are set aside).
   */
  public Optional<Restatement> restatement(LocalDate day) {
    return Optional.ofNullable(restated.get(day));
  }

  /**
   * Whether a late row owned by the run {@code ownerPeriod} (its {@code owner_period}) is counted
   * in {@code day}'s batch numbers: only when a restatement of the day took that run's late rows
   * in.
   */
  public boolean includesLate(LocalDate day, String ownerPeriod) {
    Restatement r = restated.get(day);
    return r != null && r.lateOwners().contains(ownerPeriod);
  }

  /** The period ids of a day's 24 local hours, as the hourly jobs record them. */
  public static List<String> hourIds(LocalDate day) {
    return Period.ofDay(day).split(PeriodUnit.HOUR).stream().map(Period::id).toList();
  }

  private static Optional<LocalDate> dayOf(String period) {
    try {
      return Optional.of(LocalDate.parse(period, Partitions.DAY_FORMAT));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Whether the bucket of {@code day} (a day of the platform zone) comes from the batch view. */
  public boolean covers(LocalDate day) {
    return days.contains(day);
  }

  /** Whether the hour starting at {@code hour} comes from the batch view. */
  public boolean covers(Instant hour, ZoneId zone) {
    return covers(hour.atZone(zone).toLocalDate());
  }

  public NavigableSet<LocalDate> days() {
    return days;
  }

  /** The newest covered day (shown as {@code batch_watermark}); days before it may be uncovered. */
  public Optional<LocalDate> newest() {
    return days.isEmpty() ? Optional.empty() : Optional.of(days.last());
  }

  /** The covered days in {@code [from, to)}. */
  public NavigableSet<LocalDate> between(LocalDate from, LocalDate to) {
    return from.isBefore(to) ? days.subSet(from, true, to, false) : Collections.emptyNavigableSet();
  }

  /**
   * The part of {@code [from, to)} the real-time view must be read for: from the start of its first
   * hour not covered, or an empty range ({@code to}) when the batch covers all of it.
   */
  public Instant firstUncovered(Instant from, Instant to, ZoneId zone) {
    Instant h = from;
    while (h.isBefore(to)) {
      LocalDate day = h.atZone(zone).toLocalDate();
      if (!covers(day)) {
        return h;
      }
      Instant next = day.plusDays(1).atStartOfDay(zone).toInstant();
      h = next.isAfter(h) ? next : h.plusSeconds(3600);
    }
    return to;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchCoverage c && c.days.equals(days) && c.restated.equals(restated);
  }

  @Override
  public int hashCode() {
    return days.hashCode() * 31 + restated.hashCode();
  }

  @Override
  public String toString() {
    return "BatchCoverage" + days;
  }
}
