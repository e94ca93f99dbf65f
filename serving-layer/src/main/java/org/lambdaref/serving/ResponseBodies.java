package org.lambdaref.serving;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lambdaref.serving.ServingQueries.ActionSeries;
import org.lambdaref.serving.ServingQueries.Bucket;
import org.lambdaref.serving.ServingQueries.DailyBucket;
import org.lambdaref.serving.ServingRequests.DailyQuery;

/** The JSON bodies of the API's answers, built from what the views and queries computed. */
final class ResponseBodies {

  private ResponseBodies() {}

  /**
   * A time as RFC 3339 {@code date-time} with its offset, seconds always written ({@code
   * 2026-11-18T10:00:00+09:00}): what {@code /openapi.json} declares. {@code
   * OffsetDateTime.toString()} drops zero seconds, which strict validators refuse.
   */
  static String rfc3339(ZonedDateTime time) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
  }

  /** {@code GET /v1/places/{placeId}/actions/{action}}. */
  static Map<String, Object> action(ActionSeries s, BatchView view, Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("place_id", s.placeId());
    body.put("action", s.action().wireName());
    body.put("from", rfc3339(s.from()));
    body.put("to", rfc3339(s.to()));
    body.put("granularity", s.granularity().wireName());
    body.put("timezone", view.zone().getId());
    body.put("batch_watermark", s.batchWatermark().map(LocalDate::toString).orElse(null));
    body.put("batch_covered_days", s.coveredDays().stream().map(LocalDate::toString).toList());
    List<Map<String, Object>> buckets = new ArrayList<>(s.buckets().size());
    for (Bucket b : s.buckets()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("start", rfc3339(b.start()));
      m.put("count", b.unknown() ? null : b.count());
      m.put("source", b.source().wireName());
      if (b.source() == ServingQueries.Source.SPEED) {
        m.put("unknown_hours", b.unknownHours());
        m.put("read_at", b.readAt().map(Instant::toString).orElse(null));
        m.put(
            "age_seconds",
            b.readAt().map(r -> Math.max(0, Duration.between(r, now).toSeconds())).orElse(null));
      }
      buckets.add(m);
    }
    body.put("buckets", buckets);
    body.put("total", s.total());
    body.put("unknown_hours", s.unknownHours());
    body.put("stale", s.stale());
    body.put("stale_reason", s.staleReason().orElse(null));
    List<Map<String, Object>> late = new ArrayList<>();
    for (ServingQueries.LateSetAside l : s.lateSetAside()) {
      late.add(Map.of("day", l.day().toString(), "events", l.events(), "restated", l.restated()));
    }
    body.put("late_set_aside", late);
    return body;
  }

  /** {@code GET /v1/batch/runs}: the latest run of each job and period of the newest days. */
  static Map<String, Object> runs(BatchView view) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("timezone", view.zone().getId());
    body.put("batch_watermark", view.watermark().map(LocalDate::toString).orElse(null));
    body.put("loaded_at", view.loaded() ? view.loadedAt().toString() : null);
    body.put("days_kept", RecentRuns.DAYS_KEPT);
    body.put("failed", view.recentRuns().failed().size());
    List<Map<String, Object>> runs = new ArrayList<>();
    for (RecentRuns.Run r : view.recentRuns().runs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("job", r.job());
      m.put("period", r.period());
      m.put("day", r.day().toString());
      m.put("status", r.status().wire());
      m.put("ended_at", r.endedAt().equals(Instant.EPOCH) ? null : r.endedAt().toString());
      runs.add(m);
    }
    body.put("runs", runs);
    return body;
  }

  /** {@code GET /v1/places/{placeId}/daily}: values only for the days the batch covers. */
  static Map<String, Object> daily(BatchView view, DailyQuery q, List<DailyBucket> daysOfQuery) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("place_id", q.placeId());
    body.put("from", q.from().toString());
    body.put("to", q.to().toString());
    body.put("timezone", view.zone().getId());
    body.put("source", "batch");
    body.put("batch_watermark", view.watermark().map(LocalDate::toString).orElse(null));
    body.put(
        "note",
        "batch view only: unique users are exact distinct counts the batch layer computes once a day closes;"
            + " days the batch does not cover (covered = false) have no values yet (null)");
    List<Map<String, Object>> days = new ArrayList<>();
    for (DailyBucket d : daysOfQuery) {
      boolean covered = d.covered();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("day", d.day().toString());
      m.put("covered", covered);
      m.put("impressions", covered ? d.impressions() : null);
      m.put("clicks", covered ? d.clicks() : null);
      m.put("unique_users", covered ? d.uniqueUsers() : null);
      m.put("late_impressions", covered ? d.lateImpressions() : null);
      m.put("late_clicks", covered ? d.lateClicks() : null);
      m.put("restated", covered ? d.restated() : null);
      days.add(m);
    }
    body.put("days", days);
    return body;
  }

  /**
   * {@code GET /health}; {@code details}: the caller may see error texts (it sent the token, or
   * none is configured), otherwise they read {@link BearerAuth#HIDDEN_ERROR}.
   */
  static Map<String, Object> health(
      BatchView view,
      Optional<String> lastRefreshError,
      SpeedView speed,
      Instant now,
      boolean details) {
    SpeedView.State speedState = speed.state();
    boolean speedFailing =
        speedState == SpeedView.State.FAILING || speedState == SpeedView.State.OUTAGE;
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("loaded", view.loaded());
    b.put("loaded_at", view.loaded() ? view.loadedAt().toString() : null);
    b.put("covered_days", view.coverage().days().size());
    b.put("age_seconds", Duration.between(view.loadedAt(), now).toSeconds());
    b.put("batch_watermark", view.watermark().map(LocalDate::toString).orElse(null));
    b.put(
        "versions",
        Map.of(
            "ledger",
            view.versions().ledger(),
            "hourly",
            view.versions().hourly(),
            "daily",
            view.versions().daily(),
            "late",
            view.versions().late()));
    b.put("hourly_rows", view.hourlyRows());
    b.put(
        "last_refresh_error",
        lastRefreshError.map(e -> details ? e : BearerAuth.HIDDEN_ERROR).orElse(null));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("state", speedState.wireName());
    s.put("failures_in_a_row", speed.failuresInARow());
    s.put("warm_up_ms", speed.warmUpTook().map(Duration::toMillis).orElse(null));
    s.put("remembered_keys", speed.cachedKeys());
    s.put("last_success", speed.lastSuccess().map(Instant::toString).orElse(null));
    s.put("last_failure", speed.lastFailure().map(Instant::toString).orElse(null));
    s.put(
        "last_error",
        speedFailing
            ? speed.lastError().map(e -> details ? e : BearerAuth.HIDDEN_ERROR).orElse(null)
            : null);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "status",
        speedState == SpeedView.State.STARTING
            ? "starting"
            : lastRefreshError.isPresent() || !view.loaded() || speedFailing ? "degraded" : "ok");
    body.put("batch_view", b);
    body.put("speed_view", s);
    return body;
  }
}
