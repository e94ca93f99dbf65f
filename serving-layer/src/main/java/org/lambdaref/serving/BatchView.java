package org.lambdaref.serving;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.lambdaref.model.Action;
import org.lambdaref.model.BatchCoverage;

/**
 * An immutable in-memory copy of the batch view ({@code t3.place_action_aggr_1h_hourly} and {@code
 * t3.place_impression_aggr_1d_daily}) with the batch coverage it was loaded under. Requests read
 * one instance from start to end, so an answer never mixes two versions; a refresh builds a new
 * instance and swaps it in.
 *
 * <p>Hourly counts are kept per day and place as one {@code long[actions × 24]}: a 7-day query is 7
 * map lookups, and a place-day costs one small array however many rows the table has for it.
 */
public final class BatchView {

  /** One row of the daily view. */
  public record DailyRow(long impressions, long clicks, long uniqueUsers) {}

  static final int HOURS = 24;
  static final int SLOTS = Action.values().length * HOURS;

  /** One day of a table as loaded, with the files it was read from: the same files, the same day. */
  interface DayBlock {
    Set<String> files();
  }

  /** One day of the hourly table: counts per place. */
  record HourlyDay(Set<String> files, Map<String, long[]> places, long rows) implements DayBlock {}

  /** One day of the daily table. */
  record DailyDay(Set<String> files, Map<String, DailyRow> places) implements DayBlock {}

  /** The table versions a view was read at; -1 when the table does not exist yet. */
  public record Versions(long ledger, long hourly, long daily) {
    static final Versions NONE = new Versions(-1, -1, -1);
  }

  private final ZoneId zone;
  private final BatchCoverage coverage;
  private final Versions versions;
  private final Instant loadedAt;
  private final NavigableMap<LocalDate, HourlyDay> hourly;
  private final NavigableMap<LocalDate, DailyDay> daily;

  BatchView(ZoneId zone, BatchCoverage coverage, Versions versions, Instant loadedAt,
      NavigableMap<LocalDate, HourlyDay> hourly, NavigableMap<LocalDate, DailyDay> daily) {
    this.zone = zone;
    this.coverage = coverage;
    this.versions = versions;
    this.loadedAt = loadedAt;
    this.hourly = Collections.unmodifiableNavigableMap(hourly);
    this.daily = Collections.unmodifiableNavigableMap(daily);
  }

  /** The view before anything is loaded: nothing covered, so every bucket is real-time. */
  public static BatchView empty(ZoneId zone) {
    return new BatchView(zone, BatchCoverage.none(), Versions.NONE, Instant.EPOCH, new TreeMap<>(), new TreeMap<>());
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

  /** Events of one place, action and local hour of {@code day}; 0 when the table has no row. */
  public long count(String placeId, Action action, LocalDate day, int hour) {
    HourlyDay d = hourly.get(day);
    long[] counts = d == null ? null : d.places().get(placeId);
    return counts == null ? 0 : counts[slot(action, hour)];
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
