package org.lambdaref.serving;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.lambdaref.model.Action;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Partitions;

/**
 * An immutable in-memory copy of the batch view ({@code t3.place_action_aggr_1h_hourly} and {@code
 * t3.place_impression_aggr_1d_daily}) with the batch coverage it was loaded under. Requests read
 * one instance from start to end, so an answer never mixes two versions; a refresh builds a new
 * instance and swaps it in.
 *
 * <p>Hourly counts are kept per day and place as one {@code long[actions × 25]}, indexed by the
 * hour's place in its local day ({@link Partitions#hourOfDay}: 25 hours on a fall-back day, 23 on a
 * spring-forward day): a 7-day query is 7 map lookups, and a place-day costs one small array
 * however many rows the table has for it.
 */
public final class BatchView {

  /** One row of the daily view. */
  public record DailyRow(long impressions, long clicks, long uniqueUsers) {}

  /** Hours a local day can have (a fall-back day has 25). */
  static final int HOURS = 25;

  static final int SLOTS = Action.values().length * HOURS;

  /**
   * One day of a table as loaded, with the files it was read from: the same files, the same day.
   */
  interface DayBlock {
    Set<String> files();
  }

  /** One day of the hourly table: counts per place. */
  record HourlyDay(Set<String> files, Map<String, long[]> places, long rows) implements DayBlock {}

  /** One day of the daily table. */
  record DailyDay(Set<String> files, Map<String, DailyRow> places) implements DayBlock {}

  /**
   * The late events one arrival day's runs set aside ({@code t1_log.place_event_late}): distinct
   * event ids per event day, owning run ({@code owner_period}), place and action (an array indexed
   * by action).
   */
  record LateDay(Set<String> files, Map<LocalDate, Map<String, Map<String, long[]>>> byEventDay)
      implements DayBlock {}

  /** The table versions a view was read at; -1 when the table does not exist yet. */
  public record Versions(long ledger, long hourly, long daily, long late) {
    static final Versions NONE = new Versions(-1, -1, -1, -1);
  }

  private final ZoneId zone;
  private final BatchCoverage coverage;
  private final Versions versions;
  private final Instant loadedAt;
  private final NavigableMap<LocalDate, HourlyDay> hourly;
  private final NavigableMap<LocalDate, DailyDay> daily;
  private final NavigableMap<LocalDate, LateDay> late;
  private final RecentRuns recentRuns;

  /**
   * {@link #late} summed by event day, for answers: event day -> place -> count per action; still
   * set aside.
   */
  private final Map<LocalDate, Map<String, long[]>> lateByEventDay;

  /** The same for late events a restatement of their day took in (counted in the batch numbers). */
  private final Map<LocalDate, Map<String, long[]>> restatedByEventDay;

  BatchView(
      ZoneId zone,
      BatchCoverage coverage,
      Versions versions,
      Instant loadedAt,
      NavigableMap<LocalDate, HourlyDay> hourly,
      NavigableMap<LocalDate, DailyDay> daily) {
    this(zone, coverage, versions, loadedAt, hourly, daily, new TreeMap<>(), RecentRuns.NONE);
  }

  BatchView(
      ZoneId zone,
      BatchCoverage coverage,
      Versions versions,
      Instant loadedAt,
      NavigableMap<LocalDate, HourlyDay> hourly,
      NavigableMap<LocalDate, DailyDay> daily,
      NavigableMap<LocalDate, LateDay> late,
      RecentRuns recentRuns) {
    this.zone = zone;
    this.recentRuns = recentRuns;
    this.coverage = coverage;
    this.versions = versions;
    this.loadedAt = loadedAt;
    this.hourly = Collections.unmodifiableNavigableMap(hourly);
    this.daily = Collections.unmodifiableNavigableMap(daily);
    this.late = Collections.unmodifiableNavigableMap(late);
    Map<LocalDate, Map<String, long[]>> setAside = new HashMap<>();
    Map<LocalDate, Map<String, long[]>> restated = new HashMap<>();
    for (LateDay arrival : late.values()) {
      arrival
          .byEventDay()
          .forEach(
              (day, owners) ->
                  owners.forEach(
                      (owner, places) ->
                          places.forEach(
                              (place, counts) -> {
                                long[] total =
                                    (coverage.includesLate(day, owner) ? restated : setAside)
                                        .computeIfAbsent(day, d -> new HashMap<>())
                                        .computeIfAbsent(
                                            place, p -> new long[Action.values().length]);
                                for (int i = 0; i < counts.length; i++) {
                                  total[i] += counts[i];
                                }
                              })));
    }
    this.lateByEventDay = setAside;
    this.restatedByEventDay = restated;
  }

  /** The view before anything is loaded: nothing covered, so every bucket is real-time. */
  public static BatchView empty(ZoneId zone) {
    return new BatchView(
        zone, BatchCoverage.none(), Versions.NONE, Instant.EPOCH, new TreeMap<>(), new TreeMap<>());
  }

  /** The latest run of every job and period of the ledger's newest days. */
  RecentRuns recentRuns() {
    return recentRuns;
  }

  /** False until a load succeeded: the service then cannot tell which days the batch covers. */
  public boolean loaded() {
    return !loadedAt.equals(Instant.EPOCH);
  }

  public ZoneId zone() {
    return zone;
  }

  /** The days whose buckets come from this view; every other day's from the real-time view. */
  public BatchCoverage coverage() {
    return coverage;
  }

  /** The newest covered day, shown as {@code batch_watermark}; days before it may be uncovered. */
  public Optional<LocalDate> watermark() {
    return coverage.newest();
  }

  public Versions versions() {
    return versions;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /**
   * Events of one place and action in the {@code hourOfDay}-th hour of {@code day} (0 at local
   * midnight; the local hour itself except on the days the clocks change); 0 when the table has no
   * row.
   */
  public long count(String placeId, Action action, LocalDate day, int hourOfDay) {
    HourlyDay d = hourly.get(day);
    long[] counts = d == null ? null : d.places().get(placeId);
    return counts == null || hourOfDay < 0 || hourOfDay >= HOURS
        ? 0
        : counts[slot(action, hourOfDay)];
  }

  /** Events of one place and action in the hour starting at {@code hourStart}. */
  public long count(String placeId, Action action, Instant hourStart) {
    return count(
        placeId,
        action,
        hourStart.atZone(zone).toLocalDate(),
        Partitions.hourOfDay(hourStart, zone));
  }

  /**
   * Late events of one place and action whose event day is {@code day}, set aside by the batch
   * (they arrived after the day closed, so the day's batch counts exclude them).
   */
  public long late(String placeId, Action action, LocalDate day) {
    return lateOf(lateByEventDay, placeId, action, day);
  }

  /**
   * Late events of one place and action whose event day is {@code day} that a restatement of the
   * day took in ({@code batch --restate}): they are counted in the day's batch numbers.
   */
  public long lateRestated(String placeId, Action action, LocalDate day) {
    return lateOf(restatedByEventDay, placeId, action, day);
  }

  private static long lateOf(
      Map<LocalDate, Map<String, long[]>> byDay, String placeId, Action action, LocalDate day) {
    Map<String, long[]> places = byDay.get(day);
    long[] counts = places == null ? null : places.get(placeId);
    return counts == null ? 0 : counts[action.ordinal()];
  }

  NavigableMap<LocalDate, LateDay> lateDaysMap() {
    return late;
  }

  public Optional<DailyRow> daily(String placeId, LocalDate day) {
    DailyDay d = daily.get(day);
    return d == null ? Optional.empty() : Optional.ofNullable(d.places().get(placeId));
  }

  /** How many hourly rows are loaded (for the metrics). */
  public long hourlyRows() {
    return hourly.values().stream().mapToLong(HourlyDay::rows).sum();
  }

  public int hourlyDays() {
    return hourly.size();
  }

  NavigableMap<LocalDate, HourlyDay> hourlyDaysMap() {
    return hourly;
  }

  NavigableMap<LocalDate, DailyDay> dailyDaysMap() {
    return daily;
  }

  static int slot(Action action, int hour) {
    return action.ordinal() * HOURS + hour;
  }
}
