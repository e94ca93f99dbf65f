package org.lambdaref.serving;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.lambdaref.model.Action;
import org.lambdaref.model.EventValidator;
import org.lambdaref.model.Timestamps;
import org.lambdaref.serving.ServingQueries.Granularity;

/**
 * Parses and checks request parameters once, before any view is read. Times are read in the
 * platform zone unless they carry an offset; ranges are half-open, {@code [from, to)}.
 */
public final class ServingRequests {

  /** A checked action query. */
  public record ActionQuery(
      String placeId, Action action, Instant from, Instant to, Granularity granularity) {}

  /** A checked daily query. */
  public record DailyQuery(String placeId, LocalDate from, LocalDate to) {}

  private final ZoneId zone;
  private final Duration maxRange;

  public ServingRequests(ZoneId zone, Duration maxRange) {
    this.zone = zone;
    this.maxRange = maxRange;
  }

  public ActionQuery actionQuery(
      String placeId, String action, String from, String to, String granularity) {
    String place = placeId(placeId);
    Action a =
        Action.fromWire(action == null ? "" : action)
            .orElseThrow(() -> new BadRequest("action", action, "one of " + Action.wireNames()));
    Granularity g = granularity(granularity);
    Instant f = time("from", from);
    Instant t = time("to", to);
    aligned("from", from, f, g);
    aligned("to", to, t, g);
    range(from, to, f, t);
    return new ActionQuery(place, a, f, t, g);
  }

  public DailyQuery dailyQuery(String placeId, String from, String to) {
    String place = placeId(placeId);
    LocalDate f = date("from", from);
    LocalDate t = date("to", to);
    range(from, to, f.atStartOfDay(zone).toInstant(), t.atStartOfDay(zone).toInstant());
    return new DailyQuery(place, f, t);
  }

  private static String placeId(String value) {
    if (!EventValidator.isValidId(value)) {
      throw new BadRequest("placeId", value, EventValidator.ID_RULE);
    }
    return value;
  }

  private static Granularity granularity(String value) {
    if (value == null || value.isEmpty()) {
      return Granularity.HOUR;
    }
    try {
      return Granularity.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("granularity", value, "hour (the default) or day");
    }
  }

  private Instant time(String parameter, String value) {
    return Timestamps.parseQueryTime(value, zone)
        .orElseThrow(
            () -> new BadRequest(parameter, value, Timestamps.QUERY_TIME_FORMS.formatted(zone)));
  }

  private LocalDate date(String parameter, String value) {
    try {
      return LocalDate.parse(value == null ? "" : value);
    } catch (DateTimeParseException e) {
      throw new BadRequest(parameter, value, "a date such as 2026-11-20 (days in " + zone + ")");
    }
  }

  private void aligned(String parameter, String raw, Instant value, Granularity g) {
    ZonedDateTime local = value.atZone(zone);
    boolean ok =
        g == Granularity.HOUR
            ? local.getMinute() == 0 && local.getSecond() == 0 && local.getNano() == 0
            : local.toLocalTime().equals(LocalTime.MIDNIGHT);
    if (!ok) {
      throw new BadRequest(
          parameter,
          raw,
          g == Granularity.HOUR
              ? "the start of an hour (buckets are whole hours)"
              : "the start of a day in " + zone + " (granularity=day buckets are whole days)");
    }
  }

  private void range(String rawFrom, String rawTo, Instant from, Instant to) {
    if (!from.isBefore(to)) {
      throw new BadRequest("to", rawTo, "after from (" + rawFrom + "); the range is [from, to)");
    }
    if (Duration.between(from, to).compareTo(maxRange) > 0) {
      throw new BadRequest(
          "to",
          rawTo,
          "at most "
              + (maxRange.toHours() % 24 == 0
                  ? maxRange.toDays() + " days"
                  : maxRange.toHours() + " hours")
              + " after from (platform.serving.max-range)");
    }
  }
}
