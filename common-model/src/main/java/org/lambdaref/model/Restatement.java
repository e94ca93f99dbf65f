package org.lambdaref.model;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A closed period re-aggregated with its late events ({@code bin/lambda batch --restate}): which
 * runs' late rows it took in ({@code owner_period} values of {@code t1_log.place_event_late}) and
 * how many events that added after deduplication. Recorded in the ledger's {@code details} of the
 * enrich run that read them and of every aggregate run built on that t2, so a reader knows which
 * late events a day's batch numbers include (served as restated) and which are still set aside (a
 * late event that arrives after the restatement, from a run not in {@link #lateOwners}).
 *
 * <p>The encoding is the ledger's details map ({@code {key=value, ...}}): owner ids are digits,
 * joined by single spaces, so a value never holds the map's separator.
 */
public record Restatement(Set<String> lateOwners, long lateIncluded) {

  /** Details key: the owner periods whose late rows the period's numbers include. */
  public static final String LATE_OWNERS_DETAIL = "restated_late_from";

  /** Details key: how many late events the restatement added. */
  public static final String LATE_INCLUDED_DETAIL = "restated_late_events";

  private static final Pattern OWNERS =
      Pattern.compile("(?:\\{|, )" + LATE_OWNERS_DETAIL + "=([0-9 ]*)(?=, |\\})");
  private static final Pattern INCLUDED =
      Pattern.compile("(?:\\{|, )" + LATE_INCLUDED_DETAIL + "=([0-9]+)(?=, |\\})");

  public Restatement {
    lateOwners = Set.copyOf(new TreeSet<>(lateOwners));
    if (lateIncluded < 0) {
      throw new IllegalArgumentException("lateIncluded must be >= 0: " + lateIncluded);
    }
    for (String owner : lateOwners) {
      if (!owner.matches("[0-9]{8}([0-9]{2})?")) {
        throw new IllegalArgumentException(
            "an owner period is a day (yyyyMMdd) or an hour (yyyyMMddHH): '" + owner + "'");
      }
    }
  }

  /** The ledger details that record this restatement. */
  public Map<String, String> toDetails() {
    return Map.of(
        LATE_OWNERS_DETAIL,
        String.join(" ", new TreeSet<>(lateOwners)),
        LATE_INCLUDED_DETAIL,
        Long.toString(lateIncluded));
  }

  /** The restatement a ledger row's details record, or empty for a run that did not restate. */
  public static Optional<Restatement> fromDetails(String details) {
    if (details == null) {
      return Optional.empty();
    }
    Matcher owners = OWNERS.matcher(details);
    if (!owners.find()) {
      return Optional.empty();
    }
    Matcher included = INCLUDED.matcher(details);
    Set<String> ids = new TreeSet<>();
    for (String id : owners.group(1).trim().split(" ")) {
      if (!id.isEmpty()) {
        ids.add(id);
      }
    }
    return Optional.of(
        new Restatement(ids, included.find() ? Long.parseLong(included.group(1)) : 0));
  }

  /**
   * What a table built from several restated inputs includes (a day's daily tables from its 24
   * hours): empty unless every input was restated, since otherwise some of the late events the
   * owners sent would be missing from the table.
   */
  public static Optional<Restatement> ofAll(Collection<Optional<Restatement>> inputs) {
    if (inputs.isEmpty() || inputs.stream().anyMatch(Optional::isEmpty)) {
      return Optional.empty();
    }
    Set<String> owners = new TreeSet<>();
    long included = 0;
    for (Optional<Restatement> r : inputs) {
      owners.addAll(r.get().lateOwners());
      included += r.get().lateIncluded();
    }
    return Optional.of(new Restatement(owners, included));
  }
}
