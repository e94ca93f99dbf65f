package org.lambdaref.serving;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.lambdaref.model.Action;
import org.lambdaref.model.BatchCoverage;

/**
 * The merge of the two views, as pure functions of a {@link BatchView} and a {@link
 * SpeedView.Reading}: a bucket comes from the batch view when the batch covers its day ({@link
 * BatchCoverage}), from the real-time view otherwise; never both, never neither (the Summingbird
 * client store's rule, with the covered days as the batch ids).
 */
public final class ServingQueries {

  /** Which view a bucket's count came from. */
  public enum Source {
    BATCH,
    SPEED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Bucket size of an answer. */
  public enum Granularity {
    HOUR,
    DAY;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One bucket: its start in the platform zone, the count of its known hours and which view it came
   * from. A real-time bucket also says how many of its hours are unknown (never read by the
   * service: DynamoDB did not answer and nothing was remembered) and when its oldest hour was read.
   */
  public record Bucket(
      ZonedDateTime start,
      long count,
      Source source,
      int hours,
      int unknownHours,
      Optional<Instant> readAt) {

    /** True when no hour of the bucket is known: its count is absent, not 0. */
    public boolean unknown() {
      return unknownHours == hours;
    }

    Bucket plus(Bucket hour) {
      Optional<Instant> oldest =
          readAt.isEmpty()
              ? hour.readAt()
              : hour.readAt()
                  .map(r -> r.isBefore(readAt.get()) ? r : readAt.get())
                  .or(() -> readAt);
      return new Bucket(
          start,
          count + hour.count(),
          source,
          hours + hour.hours(),
          unknownHours + hour.unknownHours(),
          oldest);
    }
  }

  /** The answer to an action query. */
  public record ActionSeries(
      String placeId,
      Action action,
      ZonedDateTime from,
      ZonedDateTime to,
      Granularity granularity,
      Optional<LocalDate> batchWatermark,
      List<LocalDate> coveredDays,
      List<Bucket> buckets,
      long total,
      int unknownHours,
      boolean stale,
      Optional<String> staleReason,
      List<LateSetAside> lateSetAside) {}

  /**
   * Late events of a covered day: {@code events} arrived after the day closed and are set aside, so
   * its batch counts exclude them (the source notes' policy) while the real-time view had counted
   * them; this explains why the day's number drops when it switches to the batch. {@code restated}
   * arrived late too but a restatement of the day ({@code batch --restate}) took them in: the batch
   * counts include them.
   */
  public record LateSetAside(LocalDate day, long events, long restated) {}

  private ServingQueries() {}

  /**
   * Where the real-time read of {@code [from, to)} starts: its first hour whose day the batch does
   * not cover ({@code to}, an empty read, when it covers them all).
   */
  public static Instant speedFrom(BatchView view, Instant from, Instant to) {
    return view.coverage().firstUncovered(from, to, view.zone());
  }

  /**
   * Merges {@code view} and {@code speed} over {@code [from, to)}. {@code from} and {@code to} must
   * be aligned to the granularity in the view's zone ({@link ServingRequests} checks that).
   */
  public static ActionSeries actionSeries(
      BatchView view,
      SpeedView.Reading speed,
      String placeId,
      Action action,
      Instant from,
      Instant to,
      Granularity granularity) {
    ZoneId zone = view.zone();
    BatchCoverage coverage = view.coverage();
    List<Bucket> hours = new ArrayList<>();
    for (Instant h = from; h.isBefore(to); h = h.plus(1, ChronoUnit.HOURS)) {
      ZonedDateTime local = h.atZone(zone);
      boolean batch = coverage.covers(local.toLocalDate());
      if (batch) {
        hours.add(
            new Bucket(
                local, view.count(placeId, action, h), Source.BATCH, 1, 0, Optional.empty()));
      } else {
        Optional<SpeedView.HourValue> v = speed.at(h);
        hours.add(
            new Bucket(
                local,
                v.map(SpeedView.HourValue::count).orElse(0L),
                Source.SPEED,
                1,
                v.isPresent() ? 0 : 1,
                v.map(SpeedView.HourValue::readAt)));
      }
    }
    List<Bucket> buckets = granularity == Granularity.HOUR ? hours : byDay(hours);
    long total = buckets.stream().mapToLong(Bucket::count).sum();
    int unknown = buckets.stream().mapToInt(Bucket::unknownHours).sum();
    boolean speedStale =
        speed.stale() && buckets.stream().anyMatch(b -> b.source() == Source.SPEED);
    // never loaded: the service cannot tell closed days from open ones, so it must not pretend
    Optional<String> reason =
        !view.loaded()
            ? Optional.of(
                "the batch view could not be loaded yet, so days the batch may have closed are answered from the"
                    + " real-time view; see /health for the storage error")
            : speedStale
                ? Optional.of(
                    "DynamoDB did not answer: real-time buckets carry the values last read (read_at,"
                        + " age_seconds); hours never read are unknown")
                : Optional.empty();
    List<LocalDate> covered =
        List.copyOf(
            coverage.between(
                from.atZone(zone).toLocalDate(),
                to.minusNanos(1).atZone(zone).toLocalDate().plusDays(1)));
    List<LateSetAside> late =
        covered.stream()
            .map(
                d ->
                    new LateSetAside(
                        d, view.late(placeId, action, d), view.lateRestated(placeId, action, d)))
            .filter(l -> l.events() > 0 || l.restated() > 0)
            .toList();
    return new ActionSeries(
        placeId,
        action,
        from.atZone(zone),
        to.atZone(zone),
        granularity,
        view.watermark(),
        covered,
        List.copyOf(buckets),
        total,
        unknown,
        reason.isPresent(),
        reason,
        late);
  }

  private static List<Bucket> byDay(List<Bucket> hours) {
    List<Bucket> days = new ArrayList<>();
    for (Bucket h : hours) {
      ZonedDateTime dayStart = h.start().toLocalDate().atStartOfDay(h.start().getZone());
      Bucket last = days.isEmpty() ? null : days.get(days.size() - 1);
      if (last != null && last.start().equals(dayStart)) {
        // a day is never split: coverage is by whole days, so all its hours share a source
        days.set(days.size() - 1, last.plus(h));
      } else {
        days.add(
            new Bucket(dayStart, h.count(), h.source(), h.hours(), h.unknownHours(), h.readAt()));
      }
    }
    return days;
  }

  /** One day of the daily view; empty values when the batch layer has no row for the place. */
  public record DailyBucket(
      LocalDate day,
      long impressions,
      long clicks,
      long uniqueUsers,
      boolean present,
      boolean covered,
      long lateImpressions,
      long lateClicks,
      boolean restated) {}

  /**
   * The daily rows of {@code [from, to)} (days), from the batch view only; uncovered days are
   * absent.
   */
  public static List<DailyBucket> daily(
      BatchView view, String placeId, LocalDate from, LocalDate to) {
    List<DailyBucket> out = new ArrayList<>();
    for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) {
      LocalDate day = d;
      boolean covered = view.coverage().covers(day);
      long lateImpressions = covered ? view.late(placeId, Action.IMPRESSION, day) : 0;
      long lateClicks = covered ? view.late(placeId, Action.CLICK, day) : 0;
      boolean restated = covered && view.coverage().restatement(day).isPresent();
      out.add(
          view.daily(placeId, day)
              .filter(r -> covered)
              .map(
                  r ->
                      new DailyBucket(
                          day,
                          r.impressions(),
                          r.clicks(),
                          r.uniqueUsers(),
                          true,
                          true,
                          lateImpressions,
                          lateClicks,
                          restated))
              .orElse(
                  new DailyBucket(
                      day, 0, 0, 0, false, covered, lateImpressions, lateClicks, restated)));
    }
    return out;
  }
}
